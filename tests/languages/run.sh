#!/usr/bin/env bash
# make test-languages: the Go, Node.js, C# and Java packages' tests (bindings/<language>/), run from
# the source against the sandbox over TLS, through the staged install (target/c/stage, `make
# c-stage`): MPGS_LIBRARY (Node.js), -Dmpgs.library (Java), LD_LIBRARY_PATH (C#), -tags
# mpgs_system + pkg-config (Go). make dist-test runs the same tests against the packages installed
# from dist/ (tests/dist/languages.sh).
#   tests/languages/run.sh [go] [node] [csharp] [java]     (default: all four)
# Each test reads MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD (the sandbox) and
# MPGS_FAULT_URL, MPGS_FAULT_CA (a second sandbox that closes every connection unanswered).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
stage=$root/target/c/stage
out=$root/target/languages
mkdir -p "$out"
export PKG_CONFIG_PATH="$stage/lib/pkgconfig" LD_LIBRARY_PATH="$stage/lib"
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(go node csharp java)

set -- # scripts/sandbox.sh reads "$@" as sandbox flags
source scripts/sandbox.sh
trap 'kill "$SANDBOX_PID" 2>/dev/null || true' EXIT
sandbox_launch --fault closex1000000
fault_pid=$launched_pid
trap 'kill "$SANDBOX_PID" "$fault_pid" ${unique_pid:-} 2>/dev/null || true' EXIT
# A third sandbox per language, fresh: its first answer is normal, then it closes the reused
# connection under the second request unanswered (MPGS_UNIQUE_URL, MPGS_UNIQUE_CA), where a client
# set for a "Unique Card" token repository sends the Create Token again.
unique_sandbox() {
  [ -z "${unique_pid:-}" ] || kill "$unique_pid" 2>/dev/null || true
  sandbox_launch --fault latency=0 --fault close
  unique_pid=$launched_pid
  export MPGS_UNIQUE_URL=$launched_url MPGS_UNIQUE_CA=$launched_ca
}
export MPGS_FAULT_URL=$launched_url MPGS_FAULT_CA=$launched_ca

passed=0 failed=0
run() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "$name: FAILED"; fi
}

for lang in "${langs[@]}"; do
  unique_sandbox
  case $lang in
    go)
      run go bash -c 'cd bindings/go && GOFLAGS=-mod=mod go vet -tags mpgs_system ./... && go test -tags mpgs_system -count=1 -v . 2>&1 | grep -v "^=== RUN"; exit "${PIPESTATUS[0]}"' ;;
    node)
      run node bash -c "cd bindings/node && MPGS_LIBRARY=$stage/lib/libmpgs.so node --expose-gc --test test/" ;;
    csharp)
      run csharp bash -c "mcs -nologo -warnaserror -langversion:7.2 -r:System.Net.Http.dll -out:$out/MpgsTest.exe bindings/csharp/src/Mpgs.cs bindings/csharp/test/MpgsTest.cs && LD_LIBRARY_PATH=$stage/lib mono --debug $out/MpgsTest.exe" ;;
    java)
      run java bash -c "rm -rf $out/java && javac -Werror -Xlint:all -cp /usr/share/java/jna.jar -d $out/java bindings/java/src/main/java/io/mpgs/*.java bindings/java/src/test/java/MpgsTest.java && java -Xms64m -Xmx64m -XX:+AlwaysPreTouch -Dmpgs.library=$stage/lib/libmpgs.so -cp $out/java:/usr/share/java/jna.jar MpgsTest" ;;
    *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
echo "languages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
