#!/usr/bin/env bash
# make fuzz [FUZZ_SECONDS=60]: runs every cargo-fuzz target (fuzz/) for FUZZ_SECONDS from its
# committed corpus, minimises the corpus back into fuzz/corpus, and prints runs and findings.
# make fuzz-smoke: replays the committed corpus only (what make test runs).
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the one stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1 PATH="$PWD/target/tools/bin:$PATH"
cd fuzz
targets=$(cargo fuzz list)
cargo fuzz build -O 2>&1 | tail -1
printf '%-16s %10s %8s %8s %s\n' target runs seconds corpus findings
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log=$(mktemp)
  if [ "$seconds" = 0 ]; then
    cargo fuzz run -O "$t" "corpus/$t" -- -runs=0 >"$log" 2>&1 || { cat "$log"; exit 1; }
  else
    cargo fuzz run -O "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=4096 >"$log" 2>&1 || true
    # Keep the smallest corpus that covers the same edges.
    cargo fuzz cmin -O "$t" "corpus/$t" -- -max_len=4096 >/dev/null 2>&1 || true
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$log" | awk '{print $2}' | tail -1)
  found=$(find "artifacts/$t" -type f | wc -l)
  printf '%-16s %10s %8s %8s %s\n' "$t" "${runs:-?}" "$seconds" "$(find "corpus/$t" -type f | wc -l)" "$found"
  if grep -q -E 'SUMMARY|panicked|deadly signal' "$log"; then
    grep -E -A20 'panicked|SUMMARY|deadly signal' "$log" | head -40
    exit 1
  fi
  rm -f "$log"
done
