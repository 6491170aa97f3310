#!/usr/bin/env bash
# Prints the one version of everything mpgs ships: `version` in the workspace Cargo.toml's
# [workspace.package]. The crates inherit it, maturin gives it to the Python package, build.rs
# derives the SONAME from it, and scripts/install-c.sh writes it into mpgs.pc and the file names.
set -euo pipefail
awk '/^\[/ { in_ws = ($0 == "[workspace.package]") }
     in_ws && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; found = 1; exit }
     END { if (!found) { print "no version in [workspace.package]" > "/dev/stderr"; exit 1 } }' \
  "$(dirname "$0")/../Cargo.toml"
