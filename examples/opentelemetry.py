"""OpenTelemetry for mpgs: every call as a span, its latency in a histogram, its errors counted.

mpgs's calls run in native code, out of reach of the instrumentation that patches Python's HTTP
libraries; the client's ``on_call`` hook gives the same facts instead, one ``mpgs.CallEvent`` per
call once it has ended (never a body, a header or a secret)::

    telemetry = MpgsTelemetry()             # the global tracer and meter providers, or your own
    client = mpgs.Client(..., on_call=telemetry)

Each call becomes a CLIENT span named ``MPGS <operation>`` (``MPGS Create Session``) that starts
when the call started and ends when it ended, with the HTTP attributes of OpenTelemetry's
semantic conventions (``http.request.method``, ``url.path``, ``http.response.status_code``,
``error.type``) and mpgs's own (``mpgs.operation``, ``mpgs.attempts``, ``mpgs.outcome_unknown``…);
a failed call's span has status ERROR. Metrics: ``mpgs.client.call.duration`` (histogram,
seconds) and ``mpgs.client.call.errors`` (counter), by operation, method, HTTP status and error
type: never by path, whose session and token ids would make every call a series of its own.

With ``Client`` the hook runs on the calling thread, so the span's parent is the span current
there (your request's). ``AsyncClient`` calls it on the event loop's thread, outside the awaiting
task's context: its spans are roots unless you link them yourself.

Run against the sandbox (``make demo`` sets the environment), it prints the spans and metrics:
MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    # This file bears the package's name: run as a script, its directory must not hide the package.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]

import time
from typing import Dict, Optional, Union

from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

import mpgs

Attributes = Dict[str, Union[str, int, bool]]


class MpgsTelemetry:
    """An ``on_call`` hook that records each call as a span and in two metrics."""

    def __init__(
        self,
        tracer_provider: Optional[trace.TracerProvider] = None,
        meter_provider: Optional[metrics.MeterProvider] = None,
    ) -> None:
        self._tracer = trace.get_tracer("mpgs", mpgs.__version__, tracer_provider)
        meter = metrics.get_meter("mpgs", mpgs.__version__, meter_provider)
        self._duration = meter.create_histogram(
            "mpgs.client.call.duration", unit="s", description="Duration of MPGS calls, retries and waits included"
        )
        self._errors = meter.create_counter(
            "mpgs.client.call.errors", unit="{call}", description="MPGS calls that failed, by error type"
        )

    def __call__(self, event: mpgs.CallEvent) -> None:
        end = time.time_ns()
        start = end - int(event.elapsed * 1e9)
        # Low-cardinality: what the metrics are broken down by.
        common: Attributes = {"mpgs.operation": event.operation, "http.request.method": event.method}
        if event.http_status is not None:
            common["http.response.status_code"] = event.http_status
        if event.error_kind is not None:
            common["error.type"] = event.error_kind
        span_attributes: Attributes = {
            **common,
            "url.path": event.path,
            "mpgs.api_version": event.api_version,
            "mpgs.attempts": event.attempts,
            "mpgs.outcome_unknown": event.outcome_unknown,
        }
        if event.error_stage is not None:
            span_attributes["mpgs.error_stage"] = event.error_stage
        span = self._tracer.start_span(
            f"MPGS {event.operation_name}", kind=SpanKind.CLIENT, attributes=span_attributes, start_time=start
        )
        if event.error_kind is not None:
            span.set_status(Status(StatusCode.ERROR, event.error_kind))
        span.end(end_time=end)
        self._duration.record(event.elapsed, common)
        if event.error_kind is not None:
            self._errors.add(1, common)


def main() -> int:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

    base_url, ca = os.environ.get("MPGS_BASE_URL"), os.environ.get("MPGS_CA_FILE")
    if not base_url or not ca:
        print("set MPGS_BASE_URL and MPGS_CA_FILE (make demo does it for the local sandbox)", file=sys.stderr)
        return 2
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    reader = PeriodicExportingMetricReader(ConsoleMetricExporter(), export_interval_millis=60_000)
    meter_provider = MeterProvider(metric_readers=[reader])
    client = mpgs.Client(
        os.environ.get("MPGS_MERCHANT_ID", "TESTMERCHANT"),
        password=os.environ.get("MPGS_PASSWORD", "sandbox-password"),
        base_url=base_url,
        ca_file=ca,
        on_call=MpgsTelemetry(tracer_provider, meter_provider),
    )
    client.create_session()
    try:
        client.retrieve_token("9999999999999999")
    except mpgs.GatewayError:
        pass
    meter_provider.shutdown()
    tracer_provider.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
