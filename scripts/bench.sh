#!/usr/bin/env bash
# Reproduces the figures in docs/benchmarks.md. Release build; work files under
# $BENCH_DIR (default /var/cache/atelier/bench). Usage:
#   scripts/bench.sh import    # import to grid-ready vs vipsthumbnail, same files, 2 threads each
#   scripts/bench.sh synth     # bench synth --assets 1000000 (wall time, peak memory)
#   scripts/bench.sh search    # the fixed query set in-process (p50/p95) + whole-process CLI runs
#   scripts/bench.sh organise  # tag/rate/file ~135,000 assets in one call each, then counts
#   scripts/bench.sh all
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo build --release --locked -q -p atelier
A="$CARGO_TARGET_DIR/release/atelier"
B="${BENCH_DIR:-/var/cache/atelier/bench}"
CORPUS="${ATELIER_CORPUS:-$(pwd)/../shared/corpus}"
mkdir -p "$B"
THREADS=2

median() { python3 -c "import json,sys,statistics; d=json.load(open(sys.argv[1])); print(' '.join('%.3f' % statistics.median(r['times']) for r in d['results']))" "$1"; }

bench_import() {
  local set="$B/import-set"
  if [ ! -d "$set" ]; then
    mkdir -p "$set"
    [ -d "$B/debian-photos" ] || bash "$CORPUS/get-debian-photos.sh" "$B/debian-photos"
    cp "$CORPUS"/photos/digicam/*.JPG "$set"/
    cp "$B"/debian-photos/*.jpg "$set"/
  fi
  echo "import: $(ls "$set" | wc -l) camera JPEGs and wallpapers, $(du -sh "$set" | cut -f1), $THREADS threads each"
  mkdir -p "$B/vips-out"
  # vipsthumbnail handles its files one after another: give each of the $THREADS processes an
  # equal share, one vips thread each, so both sides use $THREADS threads.
  local n=$(( ($(ls "$set" | wc -l) + THREADS - 1) / THREADS ))
  hyperfine -N --warmup 1 --runs 7 --export-json "$B/import.json" \
    --prepare "rm -rf $B/import-lib" \
    "env RAYON_NUM_THREADS=$THREADS $A --library $B/import-lib import $set --json" \
    --prepare "find $B/vips-out -type f -delete" \
    "bash -c 'ls $set/* | VIPS_CONCURRENCY=1 xargs -P $THREADS -n $n vipsthumbnail --size 400 -o $B/vips-out/%s.jpg'" \
    >/dev/null
  read -r ours vips <<<"$(median "$B/import.json")"
  python3 -c "print(f'import to grid-ready: atelier {float(\"$ours\"):.3f} s, vipsthumbnail {float(\"$vips\"):.3f} s (medians of 7), ratio {float(\"$ours\")/float(\"$vips\"):.2f}')"
}

ensure_million() {
  if [ ! -f "$B/million/catalog.db" ]; then
    /usr/bin/time -f "synth: %e s wall, %M KB peak" "$A" --library "$B/million" bench synth --assets 1000000
  fi
}

bench_synth() {
  rm -rf "$B/million"
  ensure_million
}

bench_search() {
  ensure_million
  "$A" --library "$B/million" bench search --runs 30
  hyperfine -N --warmup 3 --runs 30 --export-json "$B/cli.json" \
    "$A --library $B/million search --json --limit 100" \
    "$A --library $B/million search masterpiece --json --limit 100" \
    "$A --library $B/million search --tag client --status approved --sort captured --json --limit 100" >/dev/null
  echo "whole process (median ms): $(median "$B/cli.json" | python3 -c "import sys; print(', '.join('%.1f' % (float(x)*1000) for x in sys.stdin.read().split()))")"
  /usr/bin/time -f "peak memory of 'search masterpiece --json --limit 100': %M KB" \
    "$A" --library "$B/million" search masterpiece --json --limit 100 >/dev/null
}

bench_organise() {
  ensure_million
  "$A" --library "$B/million" bench organise
}

case "${1:-all}" in
  import) bench_import ;;
  synth) bench_synth ;;
  search) bench_search ;;
  organise) bench_organise ;;
  all) bench_import; bench_synth; bench_search; bench_organise ;;
  *) echo "usage: $0 import|synth|search|organise|all" >&2; exit 2 ;;
esac
