package mpgs

// The exported Go function behind the C observer (observe.go): a file apart, as a cgo preamble
// beside an //export may hold no C definition.

// #include <mpgs.h>
// #include <stdint.h>
import "C"

import (
	"log"
	"runtime/cgo"
	"time"
	"unsafe"
)

//export mpgsGoObserver
func mpgsGoObserver(event *C.mpgs_call_event, userData unsafe.Pointer) {
	// A panic in the hook never crosses into C nor breaks the call: logged, and the call goes on.
	defer func() {
		if r := recover(); r != nil {
			log.Printf("mpgs: the OnCall hook panicked (the call goes on): %v", r)
		}
	}()
	hook := cgo.Handle(*(*C.uintptr_t)(userData)).Value().(func(CallEvent))
	hook(CallEvent{
		Operation:      Operation(event.operation),
		OperationName:  str(event.operation_name),
		Method:         str(event.method),
		Path:           str(event.path),
		APIVersion:     int(event.api_version),
		HTTPStatus:     int(event.http_status),
		Attempts:       int(event.attempts),
		Elapsed:        time.Duration(event.elapsed_us) * time.Microsecond,
		OutcomeUnknown: bool(event.outcome_unknown),
		Status:         Status(event.status),
		Stage:          Stage(event.stage),
	})
}
