#!/usr/bin/env bash
# Every check CI runs, from a fresh clone: prerequisites, formatting, lints, the dependency
# edges ARCHITECTURE.md allows, and every test. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

echo "== fmt";      cargo fmt --all -- --check
echo "== edges";    python3 scripts/check-edges.py
echo "== clippy";   cargo clippy --locked --workspace --all-targets -q -- -D warnings
echo "== tests";    cargo test --locked --workspace
echo "== all checks passed"
