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
# The tests regenerate the UI's TypeScript wire types (ts-rs); committed ones must match.
echo "== wire types"
if [ -n "$(git status --porcelain -- ui/src/lib/api/types)" ]; then
  git status --porcelain -- ui/src/lib/api/types
  echo "ui/src/lib/api/types is out of date with the Rust wire types: run cargo test and commit" >&2
  exit 1
fi
echo "== all checks passed"
