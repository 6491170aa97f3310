//go:build mpgs_system

package mpgs

// -tags mpgs_system: an installed libmpgs (the C tarball's, `make install`), found by
// `pkg-config mpgs` (PKG_CONFIG_PATH), linked dynamically; at run time the system's loader must
// find libmpgs.so (its lib directory in ld.so's path, or LD_LIBRARY_PATH).

// #cgo pkg-config: mpgs
import "C"
