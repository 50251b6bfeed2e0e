#!/usr/bin/env bash
# Installs what building and testing Atelier needs, idempotently: Debian packages (only the
# missing ones), the Rust components, and the UI's npm packages. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=(
  build-essential pkg-config cmake nasm   # turbojpeg-sys builds libjpeg-turbo 3 with SIMD
  libimage-exiftool-perl                  # tests compare our metadata with ExifTool's
  libvips-tools                           # the thumbnail benchmark's reference (vipsthumbnail)
  hyperfine                               # whole-process benchmarks
  rclone                                  # the upload benchmark's reference (rclone copy to S3)
  zip unzip
  libheif-dev                             # HEIC/HEIF and AVIF (libheif 1.15 with libde265 and dav1d)
  ffmpeg                                  # video duration, codec and poster frames (ffprobe, ffmpeg)
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev   # the Tauri shell
  chromium chromium-driver                # browser end-to-end tests (Playwright drives it)
  xvfb xauth x11-utils webkit2gtk-driver fonts-dejavu-core                     # the desktop window test
  xdotool python3-gi gir1.2-gtk-3.0       # its drag and drop with another app (tests/desktop/dnd_peer.py)
  postgresql python3-venv                 # the studio's tests: PostgreSQL, and SeaweedFS (S3) from PyPI
  gnome-keyring dbus-x11 libsecret-tools keyutils libdbus-1-dev   # the keyring: a Secret Service session
  faketime                                # a library whose clock is wrong (sync tests: skew changes nothing)
  wrk nginx-light                         # the public page benchmark: the load tool, and the reference server
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
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js 20 and npm are needed for the web UI (apt install nodejs npm, or nodejs.org)" >&2
  exit 1
fi

# The UI's packages, only when the lock file changed since the last install.
if [ -f ui/package-lock.json ]; then
  stamp=ui/node_modules/.atelier-lock-hash
  want=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
fi

# tauri-driver, for the desktop window test (WebDriver over WebKitWebDriver); about a minute to
# build, once per machine.
source scripts/env.sh
if [ ! -x "$ATELIER_TOOLS/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver into $ATELIER_TOOLS"
  cargo install tauri-driver --locked --quiet --root "$ATELIER_TOOLS"
fi
