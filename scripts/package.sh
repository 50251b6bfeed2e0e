#!/usr/bin/env bash
# Builds Debian packages (release builds) into dist/:
#   atelier_<version>_<arch>.deb          the desktop app (atelier-desktop) and the CLI (atelier)
#   atelier-studio_<version>_<arch>.deb   the studio server, with a systemd unit and a service user
# Usage: scripts/package.sh [desktop|studio|all]   (default all)
# The studio package installs disabled: set ATELIER_STUDIO_ARGS in /etc/default/atelier-studio
# (the owner is created with `atelier-studio init`, see the README), then
# `systemctl enable --now atelier-studio`. Its data lives in /var/lib/atelier-studio.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in desktop|studio|all) ;; *) echo "usage: scripts/package.sh [desktop|studio|all]" >&2; exit 2 ;; esac
bash scripts/setup.sh
source scripts/env.sh
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
out="$(pwd)/dist"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Shared libraries a binary links, as Debian packages (what dpkg-shlibdeps would compute).
depends_of() {
  local pkgs=()
  for lib in $(ldd "$@" | awk '/=> \//{print $3}' | sort -u); do
    p=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) ||
      p=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$p" ] && pkgs+=("$p")
  done
  printf '%s\n' "${pkgs[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
}

control() { # dir name depends description [extra fields]
  mkdir -p "$1/DEBIAN"
  cat > "$1/DEBIAN/control" <<EOF
Package: $2
Version: $version
Architecture: $arch
Maintainer: Atelier <atelier@localhost>
Section: graphics
Priority: optional
Depends: $3
Installed-Size: $(du -sk "$1" | cut -f1)
Description: $4
EOF
}

if [ "$which" != studio ]; then
  bash scripts/build-ui.sh
  cargo build --release --locked -q -p atelier -p atelier-desktop --features atelier-desktop/custom-protocol
  d="$stage/atelier"
  install -Dm755 -s "$CARGO_TARGET_DIR/release/atelier" "$d/usr/bin/atelier"
  install -Dm755 -s "$CARGO_TARGET_DIR/release/atelier-desktop" "$d/usr/bin/atelier-desktop"
  install -Dm644 src-tauri/icons/icon.png "$d/usr/share/icons/hicolor/512x512/apps/atelier.png"
  mkdir -p "$d/usr/share/applications"
  cat > "$d/usr/share/applications/atelier.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=Atelier
Comment=A digital-asset manager for photographers, designers and AI artists
Exec=atelier-desktop
Icon=atelier
Categories=Graphics;Photography;
StartupWMClass=atelier-desktop
EOF
  deps=$(depends_of "$d/usr/bin/atelier" "$d/usr/bin/atelier-desktop")
  # Video posters and durations need ffmpeg; the keyring needs a Secret Service (or keyutils).
  control "$d" atelier "$deps, ffmpeg" \
    "digital-asset manager for photographers, designers and AI artists
 Atelier catalogs photos, designs, videos and AI generations in a local library,
 with watched folders, review, collections and a studio to share work with a team."
  echo "Recommends: gnome-keyring | kwalletmanager" >> "$d/DEBIAN/control"
  dpkg-deb --root-owner-group --build "$d" "$out/atelier_${version}_${arch}.deb" >/dev/null
  echo "built dist/atelier_${version}_${arch}.deb"
fi

if [ "$which" != desktop ]; then
  cargo build --release --locked -q -p atelier-studio
  d="$stage/atelier-studio"
  install -Dm755 -s "$CARGO_TARGET_DIR/release/atelier-studio" "$d/usr/bin/atelier-studio"
  mkdir -p "$d/lib/systemd/system" "$d/etc/default" "$d/DEBIAN"
  cat > "$d/lib/systemd/system/atelier-studio.service" <<'EOF'
[Unit]
Description=Atelier studio (a team's server)
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=simple
User=atelier-studio
Group=atelier-studio
EnvironmentFile=/etc/default/atelier-studio
ExecStart=/bin/sh -c 'exec /usr/bin/atelier-studio serve --data /var/lib/atelier-studio $ATELIER_STUDIO_ARGS'
# serve stops cleanly on SIGTERM.
KillSignal=SIGTERM
Restart=on-failure
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=/var/lib/atelier-studio

[Install]
WantedBy=multi-user.target
EOF
  cat > "$d/etc/default/atelier-studio" <<'EOF'
# Arguments for `atelier-studio serve --data /var/lib/atelier-studio …`, e.g.
# ATELIER_STUDIO_ARGS="--listen 0.0.0.0:4780 --public-url https://studio.example.com"
ATELIER_STUDIO_ARGS="--listen 127.0.0.1:4780"
EOF
  cat > "$d/DEBIAN/conffiles" <<'EOF'
/etc/default/atelier-studio
EOF
  cat > "$d/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd atelier-studio >/dev/null; then
    adduser --system --group --home /var/lib/atelier-studio atelier-studio >/dev/null
  fi
  install -d -o atelier-studio -g atelier-studio -m 750 /var/lib/atelier-studio
  if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi
fi
EOF
  cat > "$d/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop atelier-studio.service >/dev/null 2>&1 || true
fi
EOF
  cat > "$d/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
# The studio's data (/var/lib/atelier-studio) is never removed by the package: back it up and
# delete it yourself. Purging removes the service user.
if [ "$1" = purge ] && getent passwd atelier-studio >/dev/null; then
  deluser --system atelier-studio >/dev/null 2>&1 || true
fi
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
EOF
  chmod 755 "$d/DEBIAN/postinst" "$d/DEBIAN/prerm" "$d/DEBIAN/postrm"
  deps=$(depends_of "$d/usr/bin/atelier-studio")
  control "$d" atelier-studio "$deps, adduser" \
    "Atelier studio: the server a team's Atelier libraries sign in to
 Accounts, roles, invitations and devices for a team using Atelier; SQLite in
 /var/lib/atelier-studio by default, PostgreSQL with --database-url."
  dpkg-deb --root-owner-group --build "$d" "$out/atelier-studio_${version}_${arch}.deb" >/dev/null
  echo "built dist/atelier-studio_${version}_${arch}.deb"
fi
