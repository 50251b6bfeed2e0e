#!/usr/bin/env bash
# Every check CI runs, from a fresh clone: prerequisites, formatting, lints, the dependency
# edges ARCHITECTURE.md allows, every Rust test (with the services they need: PostgreSQL,
# SeaweedFS, a Secret Service session), the UI's checks and unit tests, the browser end-to-end
# specs and the desktop window test. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

echo "== fmt";      cargo fmt --all -- --check
echo "== edges";    python3 scripts/check-edges.py
# The web UI first: types, lint, unit tests, then the bundle the binaries embed (it must exist
# before atelier-web compiles).
echo "== ui"
(cd ui && npm run --silent check && npm run --silent lint && npm test --silent && npm run --silent build)
echo "== clippy";   cargo clippy --locked --workspace --all-targets -q -- -D warnings
# The studio's tests run against a real PostgreSQL and SeaweedFS (S3), and the keyring's inside a
# Secret Service session: scripts/services.sh starts them for this run and stops them after.
echo "== services"; source scripts/services.sh; start_services
echo "== tests";    in_secret_service cargo test --locked --workspace
# The tests regenerate the UI's TypeScript wire types (ts-rs); committed ones must match.
echo "== wire types"
if [ -n "$(git status --porcelain -- ui/src/lib/api/types)" ]; then
  git status --porcelain -- ui/src/lib/api/types
  echo "ui/src/lib/api/types is out of date with the Rust wire types: run cargo test and commit" >&2
  exit 1
fi
echo "== binaries"; cargo build --locked -q -p atelier -p atelier-desktop -p atelier-studio
echo "== demo";     ATELIER_BIN="$CARGO_TARGET_DIR/debug/atelier" bash tests/demo-check.sh
# Browser end-to-end: Debian's Chromium against a real `atelier serve` per spec.
echo "== e2e"
ATELIER_BIN="$CARGO_TARGET_DIR/debug/atelier" node tests/e2e/run.mjs
# The studio sign-in once more inside a Secret Service session: the credential in that keyring.
ATELIER_BIN="$CARGO_TARGET_DIR/debug/atelier" in_secret_service node tests/e2e/run.mjs studio.spec.ts
# The real desktop window under Xvfb, over WebDriver.
echo "== desktop"
TAURI_DRIVER="$ATELIER_TOOLS/bin/tauri-driver" xvfb-run -a -s "-screen 0 1440x900x24" node tests/desktop/smoke.mjs
echo "== all checks passed"
