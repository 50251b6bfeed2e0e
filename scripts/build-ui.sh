#!/usr/bin/env bash
# Builds the web UI into ui/dist (embedded into release builds of atelier and atelier-desktop).
set -euo pipefail
cd "$(dirname "$0")/../ui"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
