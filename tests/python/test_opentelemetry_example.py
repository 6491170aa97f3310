"""examples/opentelemetry.py: calls against the sandbox become spans (names, attributes, status)
and metrics (a latency histogram and an error counter), read back with the SDK's in-memory
exporter and reader."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Dict

import mpgs
import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import SpanKind, StatusCode  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "opentelemetry.py"


def load_example() -> Any:
    # Under another name: the file bears the package's.
    spec = importlib.util.spec_from_file_location("mpgs_opentelemetry_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_calls_become_spans_a_latency_histogram_and_an_error_counter(sandbox: Any) -> None:
    example = load_example()
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    client = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca,
                         on_call=example.MpgsTelemetry(tracer_provider, meter_provider))
    session = client.create_session()
    assert session.id is not None
    client.retrieve_session(session.id)
    with pytest.raises(mpgs.GatewayError):
        client.retrieve_token("9999999999999999")
    with pytest.raises(mpgs.ValidationError):
        client.retrieve_token("12/34")

    finished = spans.get_finished_spans()
    assert [s.name for s in finished] == [
        "MPGS Create Session", "MPGS Retrieve Session", "MPGS Retrieve Token", "MPGS Retrieve Token"]
    created, retrieved, refused, invalid = finished
    assert created.kind == SpanKind.CLIENT
    assert dict(created.attributes or {}) == {
        "mpgs.operation": "create_session",
        "http.request.method": "POST",
        "http.response.status_code": 201,
        "url.path": "/api/rest/version/58/merchant/TESTMERCHANT/session",
        "mpgs.api_version": 58,
        "mpgs.attempts": 1,
        "mpgs.outcome_unknown": False,
    }
    assert created.status.status_code == StatusCode.UNSET
    assert created.end_time is not None and created.start_time is not None
    assert 0 < created.end_time - created.start_time < 20 * 10**9
    assert (retrieved.attributes or {})["url.path"].endswith(session.id)
    assert refused.status.status_code == StatusCode.ERROR
    assert (refused.attributes or {})["error.type"] == "gateway"
    assert (refused.attributes or {})["http.response.status_code"] == 400
    assert (invalid.attributes or {})["mpgs.error_stage"] == "not_sent"
    assert (invalid.attributes or {})["mpgs.attempts"] == 0

    data = reader.get_metrics_data()
    assert data is not None
    metrics: Dict[str, Any] = {
        m.name: m for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics}
    duration = metrics["mpgs.client.call.duration"]
    assert duration.unit == "s"
    points = list(duration.data.data_points)
    assert sum(p.count for p in points) == 4
    by_operation = {(p.attributes["mpgs.operation"], p.attributes.get("error.type")): p.count for p in points}
    assert by_operation == {("create_session", None): 1, ("retrieve_session", None): 1,
                            ("retrieve_token", "gateway"): 1, ("retrieve_token", "validation"): 1}
    assert all("url.path" not in p.attributes for p in points), "no ids in metric attributes"
    errors = {p.attributes["error.type"]: p.value for p in metrics["mpgs.client.call.errors"].data.data_points}
    assert errors == {"gateway": 1, "validation": 1}
