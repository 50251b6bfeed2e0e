#!/usr/bin/env bash
# The main job: builds Atelier and opens it on the default library (~/.local/share/atelier/library,
# or ATELIER_LIBRARY). On first run the library gets the demo library: scripts/demo.sh copies
# assets/demo in and files it as a studio would (a brand, projects, collections, a campaign…).
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

# First run: a new, empty library gets the demo library, copied (so the library owns its files)
# and organised. The library is the one Atelier opens: ATELIER_LIBRARY, else the OS data folder.
library="${ATELIER_LIBRARY:-${XDG_DATA_HOME:-$HOME/.local/share}/atelier/library}"
if [ "$("$atelier" --library "$library" buckets --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["all"])')" = "0" ]; then
  echo "A new library: adding the demo library (assets/demo)…"
  # A library emptied by hand (its Trash or the demo brand still there) is refused by demo.sh;
  # the app opens all the same.
  bash scripts/demo.sh "$library" "$atelier" ||
    echo "The demo library was not added (see above); opening the library as it is." >&2
fi

if [ -n "$has_display" ]; then
  exec "$CARGO_TARGET_DIR/release/atelier-desktop"
else
  echo "No display: serving Atelier for a browser (Ctrl-C stops it)."
  exec "$atelier" serve --port "${ATELIER_PORT:-0}"
fi
