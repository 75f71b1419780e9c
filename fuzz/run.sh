#!/usr/bin/env bash
# Runs the fuzz targets with cargo-fuzz (nightly toolchain), each for SECONDS, on corpora
# seeded from fixtures/. Crashes land in fuzz/artifacts/TARGET/; add each as a regression
# test in tests/hostile.rs once fixed.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]     (targets: parse diff cite; default all)
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse diff cite)

# Seeds: every fixture for parse and cite (cite gets a citation line first), and pairs
# joined by a NUL byte for diff (the target splits its input there).
mkdir -p corpus/parse corpus/cite corpus/diff
for f in ../fixtures/*.txt ../fixtures/edge/*.txt; do
  n=$(basename "$f" .txt)
  cp "$f" "corpus/parse/seed-$n"
  { printf '2(1)(a)\n'; cat "$f"; } >"corpus/cite/seed-$n"
  { cat "$f"; printf '\0'; cat "$f"; } >"corpus/diff/seed-self-$n"
done
{ cat ../fixtures/security-draft.v1.txt; printf '\0'; cat ../fixtures/security-draft.v2.txt; } >corpus/diff/seed-v1-v2
{ cat ../fixtures/edge/hostile-markup.txt; printf '\0'; cat ../fixtures/edge/hostile-markup.v2.txt; } >corpus/diff/seed-hostile

for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${secs}s"
  cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len=65536 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
done
