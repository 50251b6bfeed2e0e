#!/usr/bin/env bash
# The main job: builds Atelier and opens it on the default library (~/.local/share/atelier/library,
# or ATELIER_LIBRARY). On first run the library gets the demo files (copied from assets/demo).
# With a display it opens the desktop app; without one it serves the app for a browser and
# prints the URL to open (the URL carries the session token).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
bash scripts/build-ui.sh
has_display=""
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then has_display=1; fi
if [ -n "$has_display" ]; then
  cargo build --release --locked -q -p atelier -p atelier-desktop --features atelier-desktop/custom-protocol
else
  cargo build --release --locked -q -p atelier
fi
atelier="$CARGO_TARGET_DIR/release/atelier"

# First run: a new, empty library gets the demo library, copied (so the library owns its files).
if [ "$("$atelier" buckets --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["all"])')" = "0" ]; then
  echo "A new library: importing the demo files (assets/demo)…"
  "$atelier" import assets/demo/photos assets/demo/generated --copy --tag demo
fi

if [ -n "$has_display" ]; then
  exec "$CARGO_TARGET_DIR/release/atelier-desktop"
else
  echo "No display: serving Atelier for a browser (Ctrl-C stops it)."
  exec "$atelier" serve --port "${ATELIER_PORT:-0}"
fi
