#!/usr/bin/env bash
# make dist-test (tests/dist/run.sh calls it): the Node.js, Java, C# and Go packages in dist/
# (scripts/dist-languages.sh) installed as a user installs them, each in an empty folder outside
# the repository, with no Rust on PATH, no LD_LIBRARY_PATH and no MPGS_LIBRARY, and each
# package's own test (bindings/<language>/test/) run against what was installed, over TLS against
# the sandbox: a session, a token, every field error of a refused request, a 401 as an
# authentication error, a connection closed unanswered as outcome_unknown, the workflow calls,
# threads (or Promises, Tasks, goroutines) sharing one client, no growth over 10,000 calls, no
# secret in any error text.
#   tests/dist/languages.sh [node] [java] [csharp] [go]      (default: all four)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
version=$(scripts/version.sh)
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(node java csharp go)
checks=0
fail() { echo "dist-test (languages): FAILED: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok - $*"; }
scripts/language-tools.sh
work=$(mktemp -d /tmp/mpgs-dist-languages.XXXXXX)

set -- # scripts/sandbox.sh reads "$@" as sandbox flags
SANDBOX_BIN=$repo/target/release/mpgs-sandbox
source scripts/sandbox.sh
sandbox_launch --fault closex1000000
fault_pid=$launched_pid
trap 'kill "$SANDBOX_PID" "$fault_pid" ${unique_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
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

# As a user's shell: no Rust on PATH, no library path, no override; HOME in the work folder so
# that no cache or configuration of this machine's user is used.
bare_path=
while IFS= read -r -d: dir; do
  [ -n "$dir" ] || continue
  [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || bare_path+=$dir:
done <<<"$PATH:"
mkdir -p "$work/home"
bare() {
  env -u LD_LIBRARY_PATH -u MPGS_LIBRARY -u CARGO -u RUSTC -u CARGO_HOME -u RUSTUP_HOME -u NODE_PATH \
    -u CLASSPATH -u GOPATH -u GOFLAGS -u GOPROXY -u PKG_CONFIG_PATH \
    PATH="${bare_path%:}" HOME="$work/home" "$@"
}
# shellcheck disable=SC2016 # expanded by the inner shell
bare sh -c '! command -v cargo && ! command -v rustc && [ -z "${LD_LIBRARY_PATH:-}" ]' >/dev/null ||
  fail "cargo or rustc is still on the bare PATH, or LD_LIBRARY_PATH is set"

# The library a process mapped (from /proc/PID/maps, printed by each test) must be inside the
# installed package: loaded_from LOG DIR
loaded_from() {
  local mapped
  mapped=$(sed -n "s/^\(# \)*mpgs-loaded: //p" "$1" | head -1)
  [ -n "$mapped" ] || fail "$1 does not say which libmpgs was loaded"
  case $mapped in "$2"/* | "$2") ;; *) fail "libmpgs was loaded from $mapped, not from the installed package under $2" ;; esac
}

node_test() {
  local pkg=dist/mpgs-$version.tgz d=$work/node
  [ -f "$pkg" ] || fail "missing $pkg"
  tar xzf "$pkg" -O package/package.json >"$work/node-package.json"
  python3 - "$work/node-package.json" "$version" <<'EOF' || fail "package.json of $pkg"
import json, sys
p = json.load(open(sys.argv[1]))
want = {"name": "mpgs", "version": sys.argv[2], "license": "Apache-2.0", "main": "index.js", "types": "index.d.ts"}
bad = {k: p.get(k) for k, v in want.items() if p.get(k) != v}
bad.update({k: None for k in ("description", "repository", "engines", "files") if not p.get(k)})
if "scripts" in p and any(k in p["scripts"] for k in ("preinstall", "install", "postinstall")):
    bad["install script"] = p["scripts"]
if bad: sys.exit(f"package.json: {bad}")
EOF
  ok "mpgs-$version.tgz: name, version $version, license, types, files, no install script"
  mkdir -p "$d"
  cp bindings/node/test/test.js "$d/"
  # koffi, the one dependency, from the machine's npm cache (filled by scripts/language-tools.sh)
  # when it holds it: a test talks to no other address than the sandbox's when it can avoid it.
  local cache
  cache=$(npm config get cache)
  (cd "$d" && export npm_config_cache="$cache" npm_config_update_notifier=false && bare npm init -y >/dev/null &&
    bare npm install --prefer-offline --no-audit --no-fund --loglevel=error "$repo/$pkg" >/dev/null) ||
    fail "npm install $pkg"
  [ -f "$d/node_modules/mpgs/prebuilds/linux-x64/libmpgs.so" ] && [ -f "$d/node_modules/mpgs/index.d.ts" ] ||
    fail "the installed package lacks prebuilds/linux-x64/libmpgs.so or index.d.ts"
  ok "npm install ./mpgs-$version.tgz in an empty folder"
  cp bindings/node/test/types.ts "$d/"
  (cd "$d" && bare tsc --strict --noEmit --module commonjs --moduleResolution node --target es2020 types.ts) ||
    fail "TypeScript code using the package does not compile against its index.d.ts"
  ok "test/types.ts compiles with tsc --strict against the installed index.d.ts"
  (cd "$d" && bare node --expose-gc --test test.js) >"$work/node.log" 2>&1 || { cat "$work/node.log"; fail "the Node.js package's test"; }
  grep -E '^# (tests|pass|fail)' "$work/node.log"
  loaded_from "$work/node.log" "$d/node_modules/mpgs"
  ok "Node.js: the till flow through the installed package, its own libmpgs loaded"
}

java_test() {
  local jar=dist/mpgs-$version.jar pom=dist/mpgs-$version.pom d=$work/java
  [ -f "$jar" ] && [ -f "$pom" ] || fail "missing $jar or $pom"
  unzip -l "$jar" | grep ' linux-x86-64/libmpgs.so$' >/dev/null || fail "$jar lacks linux-x86-64/libmpgs.so"
  [ "$(unzip -p "$jar" META-INF/maven/io.mpgs/mpgs/pom.properties | sed -n 's/^version=//p')" = "$version" ] ||
    fail "$jar's pom.properties is not version $version"
  cmp -s "$pom" <(unzip -p "$jar" META-INF/maven/io.mpgs/mpgs/pom.xml) || fail "$pom differs from the jar's pom.xml"
  python3 - "$pom" "$version" <<'EOF' || fail "$pom"
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
p = ET.parse(sys.argv[1]).getroot()
need = ["groupId", "artifactId", "version", "name", "description", "url", "licenses/m:license/m:name",
        "developers/m:developer/m:name", "scm/m:url", "dependencies/m:dependency/m:artifactId"]
missing = [n for n in need if not (p.findtext("m:" + n, namespaces=ns) or "").strip()]
if missing or p.findtext("m:version", namespaces=ns) != sys.argv[2]:
    sys.exit(f"pom: missing {missing} or not version {sys.argv[2]}")
EOF
  ok "mpgs-$version.jar (linux-x86-64/libmpgs.so, pom.properties $version) and its pom (Central's required elements)"
  mkdir -p "$d"
  cp "$jar" /usr/share/java/jna.jar "$d/"
  cp bindings/java/src/test/java/MpgsTest.java "$d/"
  (cd "$d" && bare javac -Werror -Xlint:all -cp "mpgs-$version.jar:jna.jar" -d . MpgsTest.java) || fail "javac against $jar"
  # jna.tmpdir: where JNA extracts the jar's library (default ~/.cache/JNA/temp, from the passwd
  # entry's home, not $HOME), here inside the work folder so that the check below can see it.
  mkdir -p "$d/jna"
  (cd "$d" && bare java -Xms64m -Xmx64m -XX:+AlwaysPreTouch -Djna.tmpdir="$d/jna" -cp "mpgs-$version.jar:jna.jar:." MpgsTest) >"$work/java.log" 2>&1 ||
    { cat "$work/java.log"; fail "the Java package's test"; }
  grep -E '^(java:|FAIL)' "$work/java.log"
  loaded_from "$work/java.log" "$d/jna"
  ok "Java: the till flow through the jar (javac/java with JNA), its own libmpgs extracted and loaded"
}

csharp_test() {
  local pkg=dist/Mpgs.$version.nupkg d=$work/csharp
  [ -f "$pkg" ] || fail "missing $pkg"
  mkdir -p "$d/app"
  unzip -p "$pkg" Mpgs.nuspec >"$work/Mpgs.nuspec"
  python3 - "$work/Mpgs.nuspec" "$version" <<'EOF' || fail "Mpgs.nuspec of $pkg"
import sys, xml.etree.ElementTree as ET
m = ET.parse(sys.argv[1]).getroot().find("{*}metadata")
text = lambda n: (m.findtext("{*}" + n) or "").strip()
bad = [n for n in ("id", "version", "authors", "description", "license", "projectUrl", "readme", "tags") if not text(n)]
if text("id") != "Mpgs" or text("version") != sys.argv[2] or m.find("{*}repository") is None:
    bad.append("id/version/repository")
if m.find("{*}license").get("type") != "expression" or text("license") != "Apache-2.0":
    bad.append("license expression")
if [g.get("targetFramework") for g in m.findall(".//{*}group")] != [".NETStandard2.0"]:
    bad.append("dependency group .NETStandard2.0")
if bad: sys.exit(f"nuspec: {bad}")
EOF
  ok "Mpgs.$version.nupkg: id, version $version, license expression, repository, readme, .NETStandard2.0"
  # nuget restores from dist/ as a local source, as packages.config does; MSBuild's copy of
  # lib/netstandard2.0/* and runtimes/ (build/Mpgs.targets) is done by hand: no MSBuild here.
  (cd "$d" && bare nuget install Mpgs -Version "$version" -Source "$repo/dist" -OutputDirectory packages -NonInteractive) \
    >"$work/nuget.log" 2>&1 || { cat "$work/nuget.log"; fail "nuget install Mpgs from dist/"; }
  local got=$d/packages/Mpgs.$version
  [ -f "$got/lib/netstandard2.0/Mpgs.dll" ] && [ -f "$got/runtimes/linux-x64/native/libmpgs.so" ] ||
    fail "nuget install gave no lib/netstandard2.0/Mpgs.dll or runtimes/linux-x64/native/libmpgs.so"
  cp "$got"/lib/netstandard2.0/* "$d/app/"
  cp -r "$got/runtimes" "$d/app/"
  ok "nuget install Mpgs $version from dist/ into an empty folder"
  cp bindings/csharp/test/MpgsTest.cs "$d/"
  (cd "$d" && bare mcs -nologo -warnaserror -langversion:7.2 -r:app/Mpgs.dll -out:app/MpgsTest.exe MpgsTest.cs) ||
    fail "mcs against the package's Mpgs.dll"
  (cd "$d" && bare mono --debug app/MpgsTest.exe) >"$work/csharp.log" 2>&1 || { cat "$work/csharp.log"; fail "the C# package's test"; }
  grep -E '^(csharp:|FAIL)' "$work/csharp.log"
  loaded_from "$work/csharp.log" "$d/app/runtimes/linux-x64/native"
  ok "C#: the till flow through the package (mcs, Mono), its own libmpgs loaded through Mpgs.dll.config"
}

go_test() {
  local pkg=dist/mpgs-go-$version.zip d=$work/go module proxy gocache
  [ -f "$pkg" ] || fail "missing $pkg"
  module=$(sed -n 's/^module //p' bindings/go/go.mod)
  python3 - "$pkg" "$module@v$version/" <<'EOF' || fail "$pkg is not a module zip of $module@v$version"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
prefix = sys.argv[2]
need = ["go.mod", "LICENSE", "README.md", "CHANGELOG.md", "include/mpgs.h", "lib/linux-amd64/libmpgs.a", "mpgs.go"]
bad = [n for n in names if not n.startswith(prefix) or "/vendor/" in n] + [n for n in need if prefix + n not in names]
if bad: sys.exit(f"zip: {bad}")
EOF
  ok "mpgs-go-$version.zip: every file under $module@v$version/, go.mod, LICENSE, include/mpgs.h, lib/linux-amd64/libmpgs.a"
  # A GOPROXY=file:// folder (go help goproxy), as a module proxy serves the zip.
  proxy=$work/goproxy
  mkdir -p "$proxy/$module/@v"
  cp "$pkg" "$proxy/$module/@v/v$version.zip"
  unzip -p "$pkg" "$module@v$version/go.mod" >"$proxy/$module/@v/v$version.mod"
  echo "v$version" >"$proxy/$module/@v/list"
  python3 -c 'import sys, zipfile; print("%04d-%02d-%02dT%02d:%02d:%02dZ" % zipfile.ZipFile(sys.argv[1]).infolist()[0].date_time)' "$pkg" |
    xargs printf '{"Version":"v%s","Time":"%s"}\n' "$version" >"$proxy/$module/@v/v$version.info"
  gocache=$(go env GOCACHE) # the machine's build cache (compiled std), as a user's machine has one
  mkdir -p "$d"
  sed 's/^package mpgs_test$/package till/' bindings/go/mpgs_test.go >"$d/till_test.go"
  gobare() {
    (cd "$d" && bare env GOPROXY="file://$proxy" GONOSUMDB="$module" GOFLAGS=-mod=mod GOCACHE="$gocache" CGO_ENABLED=1 "$@")
  }
  gobare go mod init example.com/till >/dev/null 2>&1 || fail "go mod init"
  gobare go get "$module@v$version" >"$work/goget.log" 2>&1 || { cat "$work/goget.log"; fail "go get $module@v$version through GOPROXY=file://"; }
  grep -q "^require $module v$version\b" "$d/go.mod" || fail "go.mod does not require $module v$version: $(cat "$d/go.mod")"
  ok "go get $module@v$version through GOPROXY=file:// in a fresh module"
  gobare go vet . || fail "go vet"
  gobare go test -c -o till.test . || fail "go test -c against the module"
  ! ldd "$d/till.test" | grep -q libmpgs || fail "the test binary links libmpgs.so: $(ldd "$d/till.test")"
  ok "go build links the module's libmpgs.a: no libmpgs.so needed ($(ldd "$d/till.test" | awk '{print $1}' | tr '\n' ' '))"
  (cd "$d" && bare ./till.test -test.count=1 -test.v) >"$work/go.log" 2>&1 || { cat "$work/go.log"; fail "the Go package's test"; }
  grep -E '^(--- FAIL|PASS|FAIL|go: RSS)' "$work/go.log"
  loaded_from "$work/go.log" "$d/till.test (static)"
  ok "Go: the till flow through the module from the proxy, statically linked"
}

for lang in "${langs[@]}"; do
  unique_sandbox
  echo "== $lang package, installed"
  grep -q "^## $version\b" "bindings/$lang/CHANGELOG.md" || fail "bindings/$lang/CHANGELOG.md has no '## $version' section"
  case $lang in
    node) node_test ;;
    java) java_test ;;
    csharp) csharp_test ;;
    go) go_test ;;
    *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
echo "dist-test (languages): $checks passed, 0 failed"
