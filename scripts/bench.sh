#!/usr/bin/env bash
# Reproduces the figures in docs/benchmarks.md. Release build of `atelier` (the product) and
# `atelier-bench` (the benchmarks, crates/bench); work files under $BENCH_DIR (default
# /var/cache/atelier/bench). Usage:
#   scripts/bench.sh import    # import to grid-ready vs vipsthumbnail, same files, 2 threads each
#   scripts/bench.sh synth     # atelier-bench synth --assets 1000000 (wall time, peak memory)
#   scripts/bench.sh search    # the fixed query set in-process (p50/p95) + whole-process CLI runs
#   scripts/bench.sh organise  # tag/rate/file ~135,000 assets in one call each, then counts
#   scripts/bench.sh folders   # reconcile 100,000 unchanged files vs a stat walk (find); the
#                              # watcher's latency and a 1,000-file burst; RAW thumbnail CPU
#   scripts/bench.sh similar   # Find similar on the corpus photos + wallpapers edited 12 ways and
#                              # bursts cut from the corpus clips (recall@10, false duplicates,
#                              # signature cost), then query timing on the million
#   scripts/bench.sh ui        # the Library grid in Chromium on the million (3 runs, medians),
#                              # and the desktop app's resident memory on it (needs xvfb-run)
#   scripts/bench.sh ui-ab REV # first grid paint of REV's UI and this one, alternating 7 times
#                              # against one release server on the million (tests/e2e/bench/ui-proxy.mjs)
#   scripts/bench.sh studio    # the studio at rest (RSS) and what authorising a request costs
#   scripts/bench.sh sync      # a change seen in another library's app; sign-in -> first sync
#   scripts/bench.sh push      # 20 libraries pushing ~1,000 intents each at once (SQLite, PostgreSQL)
#   scripts/bench.sh share     # share N synthetic assets (ASSETS, default 20000), a new library's
#                              # first sync of them, a burst of tag intents pushed and applied;
#                              # FILES=1: with files, uploaded, and every thumbnail fetched
#   scripts/bench.sh upload    # ~2 GB of originals of mixed sizes to a studio on SeaweedFS vs
#                              # rclone copy to the same SeaweedFS; the uploading sync's memory
#   scripts/bench.sh all
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
bash scripts/build-ui.sh   # the release binary carries the UI
cargo build --release --locked -q -p atelier -p atelier-bench
A="$CARGO_TARGET_DIR/release/atelier"
AB="$CARGO_TARGET_DIR/release/atelier-bench"
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
  if [ -f "$B/million/catalog.db" ] && ! python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); sys.exit(0 if c.execute('SELECT count(*) FROM sqlite_master WHERE name=\"asset_signature\"').fetchone()[0] and c.execute('SELECT 1 FROM asset_signature LIMIT 1').fetchone() else 1)" "$B/million/catalog.db"; then
    # A million made before signatures existed has none: make it again.
    rm -rf "$B/million"
  fi
  if [ ! -f "$B/million/catalog.db" ]; then
    /usr/bin/time -f "synth: %e s wall, %M KB peak" "$AB" --library "$B/million" synth --assets 1000000
  fi
}

bench_synth() {
  rm -rf "$B/million"
  ensure_million
}

bench_search() {
  ensure_million
  "$AB" --library "$B/million" search --runs 30
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
  "$AB" --library "$B/million" organise
}

bench_folders() {
  local tree="$B/watched-tree" lib="$B/watched-lib"
  rm -rf "$tree" "$lib"
  "$AB" --library "$lib" watched --files 100000 --dir "$tree"
  # The reference: the same stat of every file that reconciliation needs, by find.
  hyperfine --warmup 1 --runs 7 --export-json "$B/reconcile.json" \
    "$A --library $lib reconcile --json > /dev/null" \
    "find $tree -type f -printf '%s %T@\\n' > /dev/null" >/dev/null
  read -r ours find <<<"$(median "$B/reconcile.json")"
  python3 -c "print(f'reconcile 100,000 unchanged files: atelier {float(\"$ours\"):.3f} s, find (stat walk) {float(\"$find\"):.3f} s (medians of 7), ratio {float(\"$ours\")/float(\"$find\"):.2f}; target 3 s')"
  rm -rf "$B/watch-lib" "$B/watch-scratch"
  mkdir -p "$B/watch-scratch"
  "$AB" --library "$B/watch-lib" watch --sample "$CORPUS/photos/digicam/Apple_iPhone_XR__IMG_3580.JPG" \
    --dir "$B/watch-scratch" --singles 20 --burst 1000
  echo "RAW grid thumbnails (embedded previews), one thread, median of 15:"
  "$AB" thumbs "$CORPUS"/raw/real/*
}

bench_ui_ab() {
  local rev="${1:?usage: scripts/bench.sh ui-ab REV}" tmp
  ensure_million
  tmp=$(mktemp -d)
  git worktree add -q --detach "$tmp/wt" "$rev"
  ln -s "$(pwd)/ui/node_modules" "$tmp/wt/ui/node_modules"
  (cd "$tmp/wt/ui" && npx vite build --logLevel error --outDir "$tmp/before" --emptyOutDir)
  (cd ui && npx vite build --logLevel error --outDir "$tmp/after" --emptyOutDir)
  git worktree remove --force "$tmp/wt"
  "$A" --library "$B/million" serve --port 0 > "$tmp/serve.out" 2>&1 &
  local pid=$! url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/?token=[0-9a-f]*' "$tmp/serve.out" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  local origin="${url%%/?token=*}" token="${url##*token=}"
  node tests/e2e/bench/ui-proxy.mjs 43101 "$tmp/before" "$origin" > /dev/null & local p1=$!
  node tests/e2e/bench/ui-proxy.mjs 43102 "$tmp/after" "$origin" > /dev/null & local p2=$!
  sleep 1
  for _ in 1 2 3 4 5 6 7; do
    for port in 43101 43102; do
      (cd ui && node ../tests/e2e/bench/grid-bench.mjs "http://127.0.0.1:$port/?token=$token") \
        | python3 -c 'import json,sys; print(sys.argv[1], json.load(sys.stdin)["firstPaintMs"])' "$port"
    done
  done > "$tmp/ab.txt"
  kill "$p1" "$p2" "$pid"
  python3 - "$tmp/ab.txt" "$rev" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for port, name in (("43101", sys.argv[2]), ("43102", "this tree")):
    v = sorted(float(t) for p, t in rows if p == port)
    print(f"ui-ab: first grid paint, {name}: median {statistics.median(v):g} ms ({v[0]:g}–{v[-1]:g}, {len(v)} runs)")
PY
  rm -rf "$tmp"
}

bench_ui() {
  ensure_million
  "$A" --library "$B/million" serve --port 0 > "$B/serve.out" 2>&1 &
  local pid=$!
  local url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/?token=[0-9a-f]*' "$B/serve.out" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  for i in 1 2 3; do
    (cd ui && node ../tests/e2e/bench/grid-bench.mjs "$url") > "$B/ui-$i.json"
  done
  kill "$pid"
  python3 - "$B" <<'PY'
import json, statistics, sys
runs = [json.load(open(f"{sys.argv[1]}/ui-{i}.json")) for i in (1, 2, 3)]
def med(get): return statistics.median(get(r) for r in runs)
rows = [
    ("first grid paint", med(lambda r: r["firstPaintMs"]), 1000, "ms"),
    ("filter → results", med(lambda r: r["filterResultsMs"]), 200, "ms"),
    ("clear → results", med(lambda r: r["clearResultsMs"]), 200, "ms"),
    ("search → results", med(lambda r: r["searchResultsMs"]), 200, "ms"),
] + [
    (f"{k} → results", med(lambda r, k=k: r["moreMs"][k]), 200, "ms") for k in runs[0].get("moreMs", {})
] + [
    ("scroll 10,000 rows: frame p95", med(lambda r: r["scroll"]["p95"]), 16.7, "ms"),
    ("JS heap after scrolling", med(lambda r: r["jsHeapMB"]), 200, "MB"),
]
for name, v, target, unit in rows:
    print(f"ui: {name}: {v:g} {unit} (median of 3; target {target:g} {unit}; {v / target:.2f} of it)")
PY
  if command -v xvfb-run >/dev/null; then
    # The release build users run. Processes share WebKitGTK's libraries, so the sum of their
    # RSS counts those pages two or three times; PSS (each shared page split between the
    # processes using it) is what the app costs the machine. Both are printed.
    cargo build --release --locked -q -p atelier-desktop --features custom-protocol
    ATELIER_LIBRARY="$B/million" GSETTINGS_BACKEND=memory xvfb-run -a -s "-screen 0 1440x900x24" \
      bash -c '"$1" & app=$!; sleep 25
        rss=0; pss=0
        for p in $app $(pgrep -P $app) $(for c in $(pgrep -P $app); do pgrep -P $c; done); do
          rss=$((rss + $(ps -o rss= -p $p))); pss=$((pss + $(awk "/^Pss:/{print \$2}" /proc/$p/smaps_rollup)))
        done
        echo "desktop: 25 s after launch on the million (app + WebKit processes): PSS $((pss / 1024)) MB, sum of RSS $((rss / 1024)) MB (target 500 MB)"
        kill $app' _ "$CARGO_TARGET_DIR/release/atelier-desktop"
  fi
}

bench_similar() {
  local photos="$B/similar-photos"
  if [ ! -d "$photos" ]; then
    mkdir -p "$photos"
    [ -d "$B/debian-photos" ] || bash "$CORPUS/get-debian-photos.sh" "$B/debian-photos"
    cp "$CORPUS"/photos/digicam/*.JPG "$photos"/
    # The two larger Elephants wallpapers are the same picture as the small one: leave them out
    # of a set of distinct photos.
    find "$B/debian-photos" -maxdepth 1 -name '*.jpg' ! -name '*Elephants_*x*' -exec cp {} "$photos"/ \;
  fi
  "$AB" similar --photos "$photos" --videos "$CORPUS/video/real" --work "$B/similar-work"
  ensure_million
  "$AB" --library "$B/million" similar-speed --runs 30
  hyperfine -N --warmup 1 --runs 10 --export-json "$B/similar-cli.json" \
    "$A --library $B/million similar $("$A" --library "$B/million" search --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])') --json --limit 50" >/dev/null
  echo "whole process 'similar --limit 50' on the million (median ms): $(median "$B/similar-cli.json" | python3 -c "import sys; print('%.0f' % (float(sys.stdin.read())*1000))")"
}

bench_studio() {
  # The studio's memory at rest and the cost of authorising a request (issue 11), on SQLite.
  cargo build --release --locked -q -p atelier-studio
  local data="$B/studio" port
  rm -rf "$data"
  echo "bench-password-1" | "$CARGO_TARGET_DIR/release/atelier-studio" init --data "$data" \
    --owner bench@studio.test --name Bench --password-stdin >/dev/null
  "$CARGO_TARGET_DIR/release/atelier-studio" serve --data "$data" --listen 127.0.0.1:0 > "$B/studio.out" 2>/dev/null &
  local pid=$!
  for _ in $(seq 100); do grep -q "serving at" "$B/studio.out" 2>/dev/null && break; sleep 0.1; done
  local url
  url=$(sed -n 's/.*serving at \(http:[^ ]*\).*/\1/p' "$B/studio.out")
  python3 tests/bench/studio-bench.py "$url" bench@studio.test bench-password-1 "$pid" 2000
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

bench_sync() {
  # The sync's targets (issue 11): a change in one library's open app seen in another's, and
  # sign-in -> first sync complete; on SQLite (one studio process) and on PostgreSQL with two
  # studio processes (pokes across them), in a Secret Service session for the keyring.
  cargo build --release --locked -q -p atelier -p atelier-studio
  source scripts/services.sh
  start_services >/dev/null
  in_secret_service python3 tests/bench/sync-bench.py "$CARGO_TARGET_DIR/release" --runs 40
  # The throwaway cluster's empty database (fsync off, as in the tests).
  in_secret_service python3 tests/bench/sync-bench.py "$CARGO_TARGET_DIR/release" \
    --postgres "$ATELIER_TEST_DATABASE_URL" --runs 40
  stop_services
}

bench_share() {
  # Sharing's targets (issue 12): share N synthetic assets, a new library's first sync of them,
  # and a burst of tag intents pushed and applied; SQLite studio, in a Secret Service session.
  cargo build --release --locked -q -p atelier -p atelier-studio -p atelier-bench
  source scripts/services.sh
  # FILES=1: every asset with a small file that is also its thumbnail (uploads, thumbnails).
  in_secret_service python3 tests/bench/share-bench.py "$CARGO_TARGET_DIR/release" --assets "${ASSETS:-20000}" \
    ${FILES:+--files}
}

bench_push() {
  # Many libraries pushing at once (issue 12): 20 libraries each push about 1,000 intents at the
  # same moment, timed by the studio's access log; SQLite (one process), then PostgreSQL (two
  # processes, a fresh cluster), in a Secret Service session.
  cargo build --release --locked -q -p atelier -p atelier-studio -p atelier-bench
  source scripts/services.sh
  in_secret_service python3 tests/bench/push-bench.py "$CARGO_TARGET_DIR/release"
  start_services >/dev/null
  in_secret_service python3 tests/bench/push-bench.py "$CARGO_TARGET_DIR/release" \
    --postgres "$ATELIER_TEST_DATABASE_URL"
  stop_services
}

bench_upload() {
  # Uploads' target (issue 12): originals to a studio whose blobs are on SeaweedFS, against
  # rclone copy of the same files straight to it, in one run; in a Secret Service session.
  cargo build --release --locked -q -p atelier -p atelier-studio
  source scripts/services.sh
  start_services >/dev/null
  BENCH_DIR="$B" in_secret_service python3 tests/bench/upload-bench.py "$CARGO_TARGET_DIR/release" --runs "${RUNS:-3}"
  stop_services
}

bench_public() {
  # Public campaign pages (issue 13): a 200-photo campaign's page and a thumbnail through the
  # public link against nginx serving the same bytes (wrk, one run), on SQLite; then revocation
  # on PostgreSQL with two studio processes.
  cargo build --release --locked -q -p atelier -p atelier-studio
  python3 tests/bench/public-bench.py "$CARGO_TARGET_DIR/release" --runs "${RUNS:-3}"
  source scripts/services.sh
  start_services >/dev/null
  python3 tests/bench/public-bench.py "$CARGO_TARGET_DIR/release" --runs "${RUNS:-3}" \
    --postgres "$ATELIER_TEST_DATABASE_URL"
  stop_services
}

case "${1:-all}" in
  import) bench_import ;;
  synth) bench_synth ;;
  search) bench_search ;;
  organise) bench_organise ;;
  ui) bench_ui ;;
  ui-ab) bench_ui_ab "${2:-}" ;;
  folders) bench_folders ;;
  similar) bench_similar ;;
  studio) bench_studio ;;
  sync) bench_sync ;;
  share) bench_share ;;
  push) bench_push ;;
  upload) bench_upload ;;
  public) bench_public ;;
  all) bench_import; bench_synth; bench_search; bench_organise ;;
  *) echo "usage: $0 import|synth|search|organise|folders|similar|ui|ui-ab REV|studio|sync|share|push|upload|public|all" >&2; exit 2 ;;
esac
