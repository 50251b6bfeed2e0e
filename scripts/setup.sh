#!/usr/bin/env bash
# Installs what building and testing Atelier needs, idempotently: Debian packages (only the
# missing ones) and a check of the Rust toolchain. Safe to run again and again.
set -euo pipefail

need_pkgs=(
  build-essential pkg-config cmake nasm   # turbojpeg-sys builds libjpeg-turbo 3 with SIMD
  libimage-exiftool-perl                  # tests compare our metadata with ExifTool's
  libvips-tools                           # the thumbnail benchmark's reference (vipsthumbnail)
  hyperfine                               # whole-process benchmarks
  zip unzip
)

missing=()
for p in "${need_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is not installed; install it from https://rustup.rs (stable 1.95 or newer)" >&2
  exit 1
fi
for c in rustfmt clippy; do
  if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$c"
  fi
done
