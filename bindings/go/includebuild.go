//go:build includebuild

package mpgs

// `go mod vendor` copies only folders holding Go files: these imports keep include/ and lib/*/
// (with their header and static library) in a vendor tree. Never built.
import (
	_ "github.com/mpgs-rs/mpgs/bindings/go/include"
	_ "github.com/mpgs-rs/mpgs/bindings/go/lib/linux-amd64"
)
