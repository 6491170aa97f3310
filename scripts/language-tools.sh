#!/usr/bin/env bash
# make test-languages, dist, dist-test and bench: installs what the Go, Node.js, C# and Java
# packages (bindings/) need when it is missing: Debian golang-go, mono-mcs + mono-runtime (with
# System.Net.Http), nuget, node-typescript (tsc), libjna-java, and koffi from npm
# (bindings/node/package-lock.json, for the tests from the source). The JDK and node are on the
# machine.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v go >/dev/null || missing+=(golang-go)
command -v mcs >/dev/null || missing+=(mono-mcs)
command -v mono >/dev/null || missing+=(mono-runtime)
command -v nuget >/dev/null || missing+=(nuget)
command -v tsc >/dev/null || missing+=(node-typescript)
[ -f /usr/lib/mono/4.5/System.Net.Http.dll ] || missing+=(libmono-system-net-http4.0-cil)
[ -f /usr/share/java/jna.jar ] || missing+=(libjna-java)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -f bindings/node/node_modules/koffi/package.json ] || (cd bindings/node && npm ci --no-audit --no-fund --loglevel=error)
