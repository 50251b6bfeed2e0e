#!/usr/bin/env bash
# A local studio to try the team half: builds atelier-studio, creates a studio with a demo team
# in ${ATELIER_STUDIO_DATA:-~/.local/share/atelier/studio} on first run (an Owner, and the Manager
# and a Creator of the brand "Demo Brand"; their passwords printed once), and serves it on 127.0.0.1:${ATELIER_STUDIO_PORT:-4780}
# until Ctrl-C. Sign a library in with:
#   echo 'PASSWORD' | atelier studio login http://127.0.0.1:4780 --email owner@demo.studio --password-stdin
# or from the app's top bar (Sign in to a studio).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo build --release --locked -q -p atelier-studio -p atelier
studio="$CARGO_TARGET_DIR/release/atelier-studio"
atelier="$CARGO_TARGET_DIR/release/atelier"
data="${ATELIER_STUDIO_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/atelier/studio}"
port="${ATELIER_STUDIO_PORT:-4780}"
url="http://127.0.0.1:$port"

password() { python3 -c 'import secrets; print(secrets.token_urlsafe(12))'; }

if [ ! -e "$data/studio.db" ]; then
  mkdir -p "$(dirname "$data")"
  owner_pw=$(password); manager_pw=$(password); creator_pw=$(password)
  echo "$owner_pw" | "$studio" init --data "$data" --owner owner@demo.studio --name "Olive Owner" \
    --studio "Demo Studio" --password-stdin
  "$studio" serve --data "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  # The team joins the way people do: the Owner invites from a library, each invitee joins with
  # the link. Throwaway libraries keep the demo out of the user's own.
  tmp=$(mktemp -d)
  echo "$owner_pw" | "$atelier" --library "$tmp/owner" studio login "$url" --email owner@demo.studio \
    --password-stdin --device "demo setup" >/dev/null
  for who in "manager Mia Manager $manager_pw" "creator Cal Creator $creator_pw"; do
    set -- $who
    link=$("$atelier" --library "$tmp/owner" studio invite "$1@demo.studio" --role member --json |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')
    echo "$4" | "$atelier" --library "$tmp/$1" studio join "$link" --email "$1@demo.studio" \
      --name "$2 $3" --password-stdin >/dev/null
    "$atelier" --library "$tmp/$1" studio logout >/dev/null
  done
  # The brand, made on the studio through the Owner's library (brands sync), with its people.
  "$atelier" --library "$tmp/owner" brand create "Demo Brand" >/dev/null
  "$atelier" --library "$tmp/owner" brand member "Demo Brand" add manager@demo.studio --role manager >/dev/null
  "$atelier" --library "$tmp/owner" brand member "Demo Brand" add creator@demo.studio --role creator >/dev/null
  "$atelier" --library "$tmp/owner" studio logout >/dev/null
  rm -rf "$tmp"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
  cat <<MSG
A new studio, "Demo Studio", in $data, with its team (these passwords are shown once):
  owner@demo.studio    Owner                       $owner_pw
  manager@demo.studio  Manager of "Demo Brand"     $manager_pw
  creator@demo.studio  Creator of "Demo Brand"     $creator_pw
MSG
fi
exec "$studio" serve --data "$data" --listen "127.0.0.1:$port"
