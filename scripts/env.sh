# Shared by the scripts: where build output lives (outside the clone, so a fresh clone on
# the same machine reuses it) and how cargo is called. Source it; it changes nothing else.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/atelier/target 2>/dev/null && [ -w /var/cache/atelier/target ]; then
    export CARGO_TARGET_DIR=/var/cache/atelier/target
  else
    export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/atelier/target"
  fi
fi
# Tools built from source (tauri-driver) live beside the build output, installed once.
export ATELIER_TOOLS="${ATELIER_TOOLS:-$(dirname "$CARGO_TARGET_DIR")/tools}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# Line tables only: backtraces keep file:line, target/ stays small and links fast.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
