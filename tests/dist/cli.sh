# Sourced at the end of tests/dist/run.sh (uses its fail, ok, glibc_ceiling, bare, bare_path,
# $work, $repo, $version, $prefix, sandbox_launch): the `mpgs` command and the test kit from the
# artefacts, as a user gets them.
#  - the binary wheels mpgs-cli and mpgs-sandbox: tags, glibc ceiling, the extras' pins;
#  - the C tarball's bin/mpgs and bin/mpgs-sandbox: `mpgs check` of the one against the other;
#  - a fresh venv with `pip install "mpgs[testing,cli]"` from dist/ only (no Rust on PATH):
#    `mpgs check` and a user's own pytest file (tests/dist/testkit/test_user.py, fixture
#    mpgs_sandbox from the package's plugin) run from outside the repository.
# shellcheck shell=bash

echo "== the binary wheels: mpgs-cli, mpgs-sandbox"
kit_checks=$checks
for dist_name in mpgs_cli mpgs_sandbox; do
  whl=dist/$dist_name-$version-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
  [ -f "$whl" ] || fail "missing $whl (ls dist: $(ls dist | tr '\n' ' '))"
  grep -q " ${whl#dist/}\$" dist/SHA256SUMS || fail "SHA256SUMS does not list ${whl#dist/}"
  mkdir -p "$work/$dist_name"
  python3 -m zipfile -e "$whl" "$work/$dist_name"
  program=$work/$dist_name/$dist_name-$version.data/scripts/$( [ $dist_name = mpgs_cli ] && echo mpgs || echo mpgs-sandbox)
  [ -f "$program" ] || fail "$whl has no $program"
  chmod +x "$program" # zipfile -e keeps no modes; pip sets them from the wheel's scripts folder
  glibc_ceiling "$program"
  ! readelf -S --wide "$program" | grep -qE '\.symtab|\.debug_' || fail "$program is not stripped"
done
"$work/mpgs_cli/mpgs_cli-$version.data/scripts/mpgs" --version | grep -qx "mpgs $version" || fail "mpgs --version is not $version"
grep -qx 'version.workspace = true' cli/Cargo.toml || fail "cli/Cargo.toml does not take the workspace's version"
for extra in "testing = \[\"mpgs-sandbox==$version\"\]" "cli = \[\"mpgs-cli==$version\"\]"; do
  grep -q "^$extra\$" python/pyproject.toml || fail "python/pyproject.toml: the extra '$extra' does not pin version $version"
done
grep -q '^Provides-Extra: testing$' "$info/METADATA" && grep -q "^Requires-Dist: mpgs-sandbox==$version *; extra == .testing.\$" "$info/METADATA" ||
  fail "the mpgs wheel has no 'testing' extra requiring mpgs-sandbox"
grep -q '^mpgs *= *mpgs.testing.pytest_plugin$' "$info/entry_points.txt" || fail "the mpgs wheel registers no pytest11 plugin"
ok "mpgs-cli and mpgs-sandbox wheels: version $version, stripped, glibc <= 2.17; mpgs[testing], mpgs[cli] pin them"

echo "== the C tarball's bin/: mpgs check against mpgs-sandbox"
for program in mpgs mpgs-sandbox; do
  [ -x "$prefix/bin/$program" ] || fail "the tarball has no bin/$program"
  glibc_ceiling "$prefix/bin/$program"
done
SANDBOX_BIN=$prefix/bin/mpgs-sandbox sandbox_launch || fail "the tarball's bin/mpgs-sandbox did not start"
kit_sandbox=$launched_pid
kit_env=(MPGS_MERCHANT_ID=TESTMERCHANT MPGS_BASE_URL="$launched_url" MPGS_CA_FILE="$launched_ca")
env -i "${kit_env[@]}" MPGS_PASSWORD=sandbox-password "$prefix/bin/mpgs" check >"$work/check.txt" 2>&1 ||
  { cat "$work/check.txt"; kill "$kit_sandbox"; fail "bin/mpgs check failed against bin/mpgs-sandbox"; }
cat "$work/check.txt"
grep -q '^✓ authenticated call (Create Session)' "$work/check.txt" || { kill "$kit_sandbox"; fail "bin/mpgs check made no authenticated call"; }
set +e
env -i "${kit_env[@]}" MPGS_PASSWORD=wrong "$prefix/bin/mpgs" check --json >"$work/check.json" 2>&1
code=$?
set -e
kill "$kit_sandbox"
[ "$code" = 7 ] && grep -q '"problem": "wrong_password"' "$work/check.json" || { cat "$work/check.json"; fail "bin/mpgs check with a wrong password: exit $code, not 7"; }
ok "the tarball's bin/mpgs check passes against its bin/mpgs-sandbox, and says 'wrong password' (exit 7)"

echo "== pip install \"mpgs[testing,cli]\" from dist/ into a fresh venv; a user's own tests"
python3 -m venv "$work/kit"
kit() { env -u CARGO -u RUSTC -u CARGO_HOME -u RUSTUP_HOME -u VIRTUAL_ENV -u MPGS_SANDBOX_BIN PATH="$work/kit/bin:${bare_path%:}" "$@"; }
kit "$work/kit/bin/pip" install -q --disable-pip-version-check --no-index --only-binary :all: --find-links dist \
  "mpgs[testing,cli]==$version"
# pytest for the user's test file: from PyPI once, then from target/dist-tools.
wheels=$repo/target/dist-tools/pytest-wheels
[ -d "$wheels" ] || "$repo/target/dist-tools/bin/pip" download -q --disable-pip-version-check -d "$wheels" "pytest==8.3.5"
kit "$work/kit/bin/pip" install -q --disable-pip-version-check --no-index --find-links "$wheels" "pytest==8.3.5"
[ "$(kit sh -c 'command -v mpgs')" = "$work/kit/bin/mpgs" ] && [ -x "$work/kit/bin/mpgs-sandbox" ] ||
  fail "the venv has no bin/mpgs or bin/mpgs-sandbox"
mkdir -p "$work/user"
cp tests/dist/testkit/test_user.py "$work/user/"
(cd "$work/user" && kit python -m pytest -q -p no:cacheprovider test_user.py) >"$work/pytest.txt" 2>&1 ||
  { cat "$work/pytest.txt"; fail "the user's tests with the mpgs_sandbox fixture failed"; }
tail -1 "$work/pytest.txt"
grep -q '6 passed' "$work/pytest.txt" || { cat "$work/pytest.txt"; fail "not every user test ran"; }
ok "a user's pytest file ran with the mpgs_sandbox fixture, from the wheels only"
(cd "$work/user" && kit python - <<'PY') >"$work/kit-check.txt" 2>&1 || { cat "$work/kit-check.txt"; fail "mpgs check from the venv failed"; }
import os, subprocess
from mpgs.testing import Sandbox
with Sandbox() as s:
    env = {"PATH": os.environ["PATH"], "MPGS_MERCHANT_ID": s.merchant_id, "MPGS_PASSWORD": s.password,
           "MPGS_BASE_URL": s.url, "MPGS_CA_FILE": s.ca_file}
    subprocess.run(["mpgs", "check"], env=env, check=True)
    token = subprocess.run(["mpgs", "token", "create", "-"], env=env, check=True, capture_output=True, text=True,
        input='{"sourceOfFunds":{"type":"CARD","provided":{"card":{"number":"5123450000000008","expiry":{"month":"5","year":"30"}}}}}')
    assert "512345xxxxxx0008" in token.stdout and "5123450000000008" not in token.stdout + token.stderr, token
PY
cat "$work/kit-check.txt"
ok "mpgs check and mpgs token create from the venv's bin/, against the venv's sandbox"
echo "dist-test (cli, test kit): $((checks - kit_checks)) passed, 0 failed"
