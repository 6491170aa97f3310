package mpgs

// The OnCall hook: an exported Go function (observe_export.go) is called by the C observer below,
// and user_data points to C memory holding a cgo.Handle of the client's hook (C may not keep a
// Go pointer).

/*
#include <mpgs.h>
#include <stdint.h>
#include <stdlib.h>
extern void mpgsGoObserver(struct mpgs_call_event *event, void *user_data);
static void mpgs_go_observer(const struct mpgs_call_event *event, void *user_data) {
	mpgsGoObserver((struct mpgs_call_event *)event, user_data);
}
static mpgs_status mpgs_go_set_observer(mpgs_config *config, void *user_data, mpgs_error **err) {
	return mpgs_config_set_observer(config, mpgs_go_observer, user_data, err);
}
*/
import "C"

import (
	"runtime/cgo"
	"time"
	"unsafe"
)

// CallEvent is one call, after it ended: what Config.OnCall receives (a copy: changing it changes
// nothing). It never holds a body, a header or a secret.
type CallEvent struct {
	Operation Operation
	// OperationName is the operation's name in the gateway's documentation ("Create Session").
	OperationName string
	Method        string // POST, GET, PUT or DELETE
	// Path is the request path after the base URL's own, merchant included, session and token
	// ids as sent (a token that could be a card number masked 6.4; an id refused before
	// sending shows as its parameter's name).
	Path           string
	APIVersion     int
	HTTPStatus     int // 0 when no answer was read
	Attempts       int // 0 when refused before sending
	Elapsed        time.Duration
	OutcomeUnknown bool
	Status         Status // StatusOK for a success, else the *Error's Status
	Stage          Stage  // StageUnknown for a success
}

// OK says whether the call succeeded.
func (e CallEvent) OK() bool { return e.Status == StatusOK }

// observer is a client's hook, registered with the C config: the handle and the C memory that
// holds it, released by Client.Close after the C client.
type observer struct {
	handle cgo.Handle
	data   unsafe.Pointer
}

func newObserver(hook func(CallEvent)) *observer {
	h := cgo.NewHandle(hook)
	p := C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0))))
	*(*C.uintptr_t)(p) = C.uintptr_t(h)
	return &observer{h, p}
}

func (o *observer) release() {
	if o == nil {
		return
	}
	o.handle.Delete()
	C.free(o.data)
}

func (o *observer) set(config *C.mpgs_config, e **C.mpgs_error) C.mpgs_status {
	return C.mpgs_go_set_observer(config, o.data, e) // mpgs_config_set_observer
}

// CertificateNotAfter is when the client certificate expires (its notAfter), so that a till can
// warn before the gateway refuses it; ok is false with a password (no certificate).
func (c *Client) CertificateNotAfter() (notAfter time.Time, ok bool, err error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var secs C.int64_t
	var e *C.mpgs_error
	switch st := C.mpgs_client_certificate_not_after(c.ptr, &secs, &e); st {
	case C.MPGS_STATUS_OK:
		return time.Unix(int64(secs), 0).UTC(), true, nil
	case C.MPGS_STATUS_NOT_FOUND:
		C.mpgs_error_free(e)
		return time.Time{}, false, nil
	default:
		return time.Time{}, false, takeError(st, e)
	}
}

// Connect is a warm-up: it opens a connection to the gateway (TCP, the proxy tunnel if any, the
// TLS handshake) and keeps it idle for the next call, so that call does not pay those round trips;
// it does nothing if an idle connection is fit already, and sends no request. It fails with the
// *Error a call would meet (StatusConnect, StatusTLS or StatusTimeout; nothing sent).
func (c *Client) Connect() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var e *C.mpgs_error
	if st := C.mpgs_client_connect(c.ptr, &e); st != C.MPGS_STATUS_OK {
		return takeError(st, e)
	}
	return nil
}

// noNUL refuses a string holding a U+0000, given as name/value pairs: C would read it only up to
// there (DeleteToken("<token>\x00/../x") would delete "<token>"), so it is never truncated, and
// nothing is sent.
func noNUL(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		for j := 0; j < len(pairs[i+1]); j++ {
			if pairs[i+1][j] == 0 {
				return &Error{Status: StatusInvalidArgument, Stage: StageNotSent, Field: pairs[i],
					Message: "mpgs: " + pairs[i] + " contains a NUL character (U+0000), which a C string cannot hold"}
			}
		}
	}
	return nil
}
