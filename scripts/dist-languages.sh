#!/usr/bin/env bash
# make dist (called once by scripts/dist.sh, after the C tarball): the Node.js, Java, C# and Go
# packages in dist/, each carrying the glibc-2.17 libmpgs of dist/libmpgs-<v>-linux-x86_64.tar.gz
# where its ecosystem puts native code, and the workspace's version (scripts/version.sh) in its
# metadata and in the constant its loader checks mpgs_version() against; then SHA256SUMS again
# over every file of dist/.
#   mpgs-<v>.tgz           npm pack of bindings/node    (prebuilds/linux-x64/libmpgs.so)
#   mpgs-<v>.jar, .pom     bindings/java                (linux-x86-64/libmpgs.so, JNA's resource path)
#   Mpgs.<v>.nupkg         bindings/csharp              (runtimes/linux-x64/native/libmpgs.so)
#   mpgs-go-<v>.zip        bindings/go, a module zip    (lib/linux-amd64/libmpgs.a, linked by cgo)
#     scripts/dist-languages.sh [node] [java] [csharp] [go]      (default: all four)
# Tools: npm, javac/jar + Debian's JNA jar, mcs, go (scripts/language-tools.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(scripts/version.sh)
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH
name=libmpgs-$version-linux-x86_64
tarball=dist/$name.tar.gz
[ -f "$tarball" ] || { echo "dist-languages: no $tarball (scripts/dist.sh makes it first)" >&2; exit 1; }
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(node java csharp go)
scripts/language-tools.sh

work=$root/target/dist-languages
rm -rf "$work"
mkdir -p "$work/c"
tar xzf "$tarball" -C "$work/c"
c=$work/c/$name
so=$c/lib/libmpgs.so.$version # the real file, copied in as libmpgs.so: no symlink in any package

# A zip with fixed dates and sorted names: zip_tree DIR OUT [PREFIX]
zip_tree() {
  python3 - "$@" <<'EOF'
import os, sys, time, zipfile
src, out = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
stamp = time.gmtime(max(int(os.environ["SOURCE_DATE_EPOCH"]), 315532800))[:6]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for top, dirs, files in os.walk(src):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(top, f)
            info = zipfile.ZipInfo(prefix + os.path.relpath(path, src), stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            with open(path, "rb") as fh:
                z.writestr(info, fh.read())
EOF
}

# Replaces the version in the files of a staged package: stamp FILE OLD-REGEX NEW
stamp() {
  sed -i -E "s|$2|$3|" "$1"
  grep -q "$version" "$1" || { echo "dist-languages: the version was not written into $1" >&2; exit 1; }
}

node_pkg() {
  local d=$work/node
  mkdir -p "$d/prebuilds/linux-x64"
  cp bindings/node/{index.js,index.d.ts,package.json,README.md,CHANGELOG.md} LICENSE "$d/"
  install -m 0755 "$so" "$d/prebuilds/linux-x64/libmpgs.so"
  stamp "$d/package.json" '^  "version": "[^"]*"' "  \"version\": \"$version\""
  (cd "$d" && npm pack --silent --pack-destination "$root/dist" >/dev/null)
  [ -f "dist/mpgs-$version.tgz" ] || { echo "dist-languages: npm pack wrote no dist/mpgs-$version.tgz" >&2; exit 1; }
  tar tzf "dist/mpgs-$version.tgz" | grep -x 'package/prebuilds/linux-x64/libmpgs.so' >/dev/null ||
    { echo "dist-languages: mpgs-$version.tgz lacks prebuilds/linux-x64/libmpgs.so" >&2; exit 1; }
}

java_pkg() {
  local d=$work/java meta=META-INF/maven/io.mpgs/mpgs
  mkdir -p "$d/src" "$d/classes/linux-x86-64" "$d/classes/$meta"
  cp -r bindings/java/src/main/java/. "$d/src/"
  stamp "$d/src/io/mpgs/Version.java" 'VERSION = "[^"]*"' "VERSION = \"$version\""
  cp bindings/java/pom.xml "$d/mpgs-$version.pom"
  stamp "$d/mpgs-$version.pom" '^  <version>[^<]*</version>' "  <version>$version</version>"
  javac -nowarn --release 11 -encoding UTF-8 -cp /usr/share/java/jna.jar -d "$d/classes" $(find "$d/src" -name '*.java' | sort)
  install -m 0755 "$so" "$d/classes/linux-x86-64/libmpgs.so"
  cp "$d/mpgs-$version.pom" "$d/classes/$meta/pom.xml"
  printf 'groupId=io.mpgs\nartifactId=mpgs\nversion=%s\n' "$version" >"$d/classes/$meta/pom.properties"
  cp LICENSE "$d/classes/META-INF/LICENSE"
  cp bindings/java/README.md "$d/classes/META-INF/README.md"
  printf 'Implementation-Title: mpgs\nImplementation-Version: %s\nAutomatic-Module-Name: io.mpgs\n' "$version" >"$d/manifest"
  rm -f "dist/mpgs-$version.jar"
  jar --create --file "dist/mpgs-$version.jar" --manifest "$d/manifest" \
    --date "$(date -u -d "@$(( SOURCE_DATE_EPOCH > 315532800 ? SOURCE_DATE_EPOCH : 315532800 ))" +%Y-%m-%dT%H:%M:%SZ)" -C "$d/classes" .
  cp "$d/mpgs-$version.pom" "dist/mpgs-$version.pom"
}

csharp_pkg() {
  local d=$work/csharp p=$work/csharp/pkg
  mkdir -p "$d/src" "$p/lib/netstandard2.0" "$p/runtimes/linux-x64/native" "$p/build" "$p/buildTransitive" "$p/_rels"
  cp bindings/csharp/src/Mpgs.cs "$d/src/"
  stamp "$d/src/Mpgs.cs" 'PackageVersion = "[^"]*"' "PackageVersion = \"$version\""
  printf '[assembly: System.Reflection.AssemblyVersion("%s.0")]\n[assembly: System.Reflection.AssemblyInformationalVersion("%s")]\n[assembly: System.Reflection.AssemblyTitle("mpgs")]\n' \
    "$version" "$version" >"$d/src/AssemblyInfo.cs"
  # mcs's library references mscorlib, which .NET maps through its facade; CS1591: undocumented members.
  mcs -nologo -warnaserror -nowarn:1591 -langversion:7.2 -target:library -optimize+ -doc:"$p/lib/netstandard2.0/Mpgs.xml" \
    -out:"$p/lib/netstandard2.0/Mpgs.dll" "$d/src/Mpgs.cs" "$d/src/AssemblyInfo.cs"
  cp bindings/csharp/Mpgs.dll.config "$p/lib/netstandard2.0/"
  install -m 0755 "$so" "$p/runtimes/linux-x64/native/libmpgs.so"
  cp bindings/csharp/build/Mpgs.targets "$p/build/"
  cp bindings/csharp/build/Mpgs.targets "$p/buildTransitive/"
  cp bindings/csharp/README.md bindings/csharp/CHANGELOG.md "$p/"
  cp bindings/csharp/Mpgs.nuspec "$p/"
  stamp "$p/Mpgs.nuspec" '<version>[^<]*</version>' "<version>$version</version>"
  cat >"$p/[Content_Types].xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /><Default Extension="xml" ContentType="application/octet" /><Default Extension="config" ContentType="application/octet" /><Default Extension="so" ContentType="application/octet" /><Default Extension="targets" ContentType="application/octet" /><Default Extension="md" ContentType="application/octet" /></Types>
EOF
  cat >"$p/_rels/.rels" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/Mpgs.nuspec" Id="R0" /></Relationships>
EOF
  rm -f "dist/Mpgs.$version.nupkg"
  zip_tree "$p" "dist/Mpgs.$version.nupkg"
}

# The module path, from bindings/go/go.mod: the zip's prefix and the proxy's folder.
go_module() { sed -n 's/^module //p' bindings/go/go.mod; }

go_pkg() {
  local d=$work/go/src module
  module=$(go_module)
  mkdir -p "$d"
  (cd bindings/go && git ls-files --cached --others --exclude-standard -- . | grep -v '^\.gitignore$' | sort) >"$work/go/files"
  while IFS= read -r f; do install -D -m 0644 "bindings/go/$f" "$d/$f"; done <"$work/go/files"
  cp LICENSE "$d/"
  install -m 0644 "$c/include/mpgs.h" "$d/include/mpgs.h"
  install -m 0644 "$c/lib/libmpgs.a" "$d/lib/linux-amd64/libmpgs.a"
  stamp "$d/version.go" 'PackageVersion = "[^"]*"' "PackageVersion = \"$version\""
  # Build it as the zip will be built by a user (cgo, the bundled static library), and vet it.
  (cd "$d" && GOFLAGS=-mod=mod go vet . && go build -o /dev/null ./bench)
  rm -f "dist/mpgs-go-$version.zip"
  zip_tree "$d" "dist/mpgs-go-$version.zip" "$module@v$version/"
}

for lang in "${langs[@]}"; do
  echo "== $lang package"
  case $lang in
    node) node_pkg ;;
    java) java_pkg ;;
    csharp) csharp_pkg ;;
    go) go_pkg ;;
    *) echo "dist-languages: unknown language $lang" >&2; exit 2 ;;
  esac
done

(cd dist && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort | xargs sha256sum -- >SHA256SUMS)
ls -l dist
