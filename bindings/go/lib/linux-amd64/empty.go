// Package linuxamd64 holds libmpgs.a for linux/amd64.
package linuxamd64
