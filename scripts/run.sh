#!/usr/bin/env bash
# The main job: builds Atelier and opens it on the default library. Until the desktop app
# exists (issue 4) this means: create the library on first use, import the demo library
# (assets/demo) into it, and print what is there. `ATELIER_LIBRARY=DIR` picks another library.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo build --release --locked -q -p atelier
atelier="$CARGO_TARGET_DIR/release/atelier"

echo "Importing the demo library (assets/demo)…"
# Copied, so that the library owns its demo files (deleting them never touches the repository).
"$atelier" import assets/demo/photos assets/demo/generated --copy --tag demo
echo
echo "Newest assets:"
"$atelier" search --limit 20
echo
echo "Try:  $atelier search lora        (prompt words, file names, tags)"
echo "      $atelier search --source generated --json"
echo "      $atelier import ~/Pictures"
