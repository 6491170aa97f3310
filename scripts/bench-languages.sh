#!/usr/bin/env bash
# make bench, rows 9-12: the Go, Node.js, C# and Java benchmarks (bindings/<language>/bench) built
# against the packages of dist/ installed as a user installs them (as tests/dist/languages.sh
# does), into target/languages/: go-bench, node/bench.js, csharp/Bench.exe, java-bench/ (+ the jar).
# Makes dist/ first (scripts/dist.sh) when a package file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(scripts/version.sh)
for f in "mpgs-$version.tgz" "mpgs-$version.jar" "Mpgs.$version.nupkg" "mpgs-go-$version.zip"; do
  [ -f "dist/$f" ] || { scripts/dist.sh; break; }
done
scripts/language-tools.sh
out=$root/target/languages
rm -rf "$out"
mkdir -p "$out"

# Node.js: npm install of the tarball.
mkdir -p "$out/node"
cp bindings/node/bench/bench.js "$out/node/"
(cd "$out/node" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "$root/dist/mpgs-$version.tgz" >/dev/null)

# Go: the module zip served from a GOPROXY=file:// folder, go get in a fresh module.
module=$(sed -n 's/^module //p' bindings/go/go.mod)
proxy=$out/goproxy/$module/@v
mkdir -p "$proxy" "$out/go"
cp "dist/mpgs-go-$version.zip" "$proxy/v$version.zip"
unzip -p "$proxy/v$version.zip" "$module@v$version/go.mod" >"$proxy/v$version.mod"
echo "v$version" >"$proxy/list"
printf '{"Version":"v%s","Time":"2000-01-01T00:00:00Z"}\n' "$version" >"$proxy/v$version.info"
cp bindings/go/bench/main.go "$out/go/"
(cd "$out/go" && export GOPROXY="file://$out/goproxy" GONOSUMDB="$module" GOFLAGS=-mod=mod &&
  go mod init example.com/bench >/dev/null 2>&1 && go get "$module@v$version" >/dev/null 2>&1 && go build -o "$out/go-bench" .)

# C#: nuget install from dist/, lib/ and runtimes/ beside the program (what MSBuild copies).
mkdir -p "$out/csharp/app"
(cd "$out/csharp" && nuget install Mpgs -Version "$version" -Source "$root/dist" -OutputDirectory packages -NonInteractive >/dev/null)
cp "$out/csharp/packages/Mpgs.$version"/lib/netstandard2.0/* "$out/csharp/app/"
cp -r "$out/csharp/packages/Mpgs.$version/runtimes" "$out/csharp/app/"
mcs -nologo -warnaserror -langversion:7.2 -r:System.Net.Http.dll -r:"$out/csharp/app/Mpgs.dll" \
  -out:"$out/csharp/app/Bench.exe" bindings/csharp/bench/Bench.cs

# Java: the jar and Debian's JNA on the class path.
cp "dist/mpgs-$version.jar" "$out/mpgs.jar"
javac -Werror -Xlint:all -cp "$out/mpgs.jar:/usr/share/java/jna.jar" -d "$out/java-bench" bindings/java/bench/Bench.java
