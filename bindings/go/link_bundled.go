//go:build !mpgs_system

package mpgs

// The module's own libmpgs: include/mpgs.h and lib/<GOOS>-<GOARCH>/libmpgs.a, put there by the
// module zip (scripts/dist-languages.sh), linked statically. The system libraries are those rustc
// lists for the static library (native-static-libs).

// #cgo CFLAGS: -I${SRCDIR}/include
// #cgo linux,amd64 LDFLAGS: -L${SRCDIR}/lib/linux-amd64
// #cgo LDFLAGS: -lmpgs -lpthread -ldl -lm -lrt -lutil -lgcc_s
import "C"
