#!/usr/bin/env python3
"""The sync's targets (issue 11), measured through the real binaries on 127.0.0.1:

- propagation: a brand kit change made in one library's open app (its local API) until another
  library's open app (its local API, polled every 5 ms) shows it — poke over SSE, pull, apply —
  side by side with the reference: the same change read back from the app that made it;
- the same for a shared asset (issue 12): its rating changed in one app until the other shows it;
- sign-in → first sync complete: a fresh library's app signs in (POST /api/studio/login) until
  its sync indicator says up to date with a last sync time.

Backends: the embedded SQLite studio (one process), or with --postgres URL a PostgreSQL studio
served by two processes, the two libraries each talking to a different one (pokes cross
processes through LISTEN/NOTIFY).

Must run inside a Secret Service session (scripts/services.sh in_secret_service).
Usage: sync-bench.py BIN_DIR [--postgres URL] [--runs N]"""
import json, os, shutil, statistics, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import pct, run, start as start_server, stop_all  # noqa: E402

args = sys.argv[1:]
bin_dir = args[0]
pg = args[args.index("--postgres") + 1] if "--postgres" in args else None
runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 30
atelier = os.path.join(bin_dir, "atelier")
studio_bin = os.path.join(bin_dir, "atelier-studio")
tmp = tempfile.mkdtemp(prefix="sync-bench-")
procs = []
PASSWORD = "bench password 1"
# A small photo committed in the repo (the shared asset whose rating is changed).
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "corpus",
                       "formats", "pngsuite", "pngsuite__png_basi2c08.png")


def start(cmd, prefix):
    return start_server(procs, cmd, prefix)[1]


def lib(name, *a, stdin=None):
    return run([atelier, "--library", os.path.join(tmp, name), *a], stdin)


class App:
    """A library's app (`atelier serve`) and its local API."""

    def __init__(self, name):
        url = start([atelier, "--library", os.path.join(tmp, name), "serve", "--port", "0"],
                    "Atelier is serving at ")
        self.base, self.token = url.split("/?token=")

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"authorization": f"Bearer {self.token}",
                                              "content-type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read() or b"null")

    def prefix(self, brand):
        for b in self.call("GET", "/api/brands"):
            if b["name"] == brand:
                return b["prompt_prefix"]
        return None

    def rating(self, asset):
        return self.call("GET", f"/api/assets/{asset}").get("rating")

    def wait_up_to_date(self, timeout=30):
        until = time.time() + timeout
        while time.time() < until:
            s = self.call("GET", "/api/studio/sync")
            if s["state"] == "up_to_date" and s["last_sync_at"]:
                return
            time.sleep(0.005)
        raise SystemExit(f"never up to date: {s}")


try:
    data = os.path.join(tmp, "studio")
    db = ["--database-url", pg] if pg else []
    run([studio_bin, "init", "--data", data, "--owner", "olive@bench.test", "--name", "Olive",
         "--password-stdin", *db], PASSWORD + "\n")
    url_a = start([studio_bin, "serve", "--data", data, "--listen", "127.0.0.1:0", *db],
                  "Atelier studio is serving at ")
    url_b = start([studio_bin, "serve", "--data", data, "--listen", "127.0.0.1:0", *db],
                  "Atelier studio is serving at ") if pg else url_a

    lib("a", "studio", "login", url_a, "--email", "olive@bench.test", "--password-stdin", stdin=PASSWORD + "\n")
    lib("a", "brand", "create", "Bench")
    link = json.loads(lib("a", "studio", "invite", "ana@bench.test", "--json"))["link"]
    link = link.replace(url_a, url_b)
    lib("b", "studio", "join", link, "--email", "ana@bench.test", "--name", "Ana", "--password-stdin",
        stdin=PASSWORD + "\n")
    lib("a", "brand", "member", "Bench", "add", "ana@bench.test", "--role", "viewer")
    # An asset change too (issue 12): one photo in a shared project of the brand.
    lib("a", "project", "create", "Shoot", "--brand", "Bench")
    # A copy: ratings are written back to the file's XMP sidecar, never to the repo's fixture.
    shoot = os.path.join(tmp, "shoot")
    os.makedirs(shoot)
    shutil.copy(FIXTURE, shoot)
    photo = json.loads(lib("a", "import", shoot, "--project", "Shoot", "--brand", "Bench", "--json"))
    asset = photo["assets"][0]["id"]
    lib("a", "project", "share", "Shoot")
    lib("b", "sync")

    a, b = App("a"), App("b")
    a.wait_up_to_date()
    b.wait_up_to_date()
    seen, own = [], []
    for i in range(runs):
        value = f"run {i} {time.time()}"
        t0 = time.perf_counter()
        a.call("POST", "/api/brands/kit", {"name": "Bench", "prefix": value})
        while a.prefix("Bench") != value:
            pass
        own.append(time.perf_counter() - t0)
        while b.prefix("Bench") != value:
            time.sleep(0.005)
            if time.perf_counter() - t0 > 10:
                raise SystemExit("the change never arrived")
        seen.append(time.perf_counter() - t0)
        time.sleep(0.2)

    # A rating of a shared asset, seen in the other library's app.
    rated, rated_own = [], []
    for i in range(runs):
        stars = i % 5 + 1 if i % 5 + 1 != a.rating(asset) else (i + 1) % 5 + 1
        t0 = time.perf_counter()
        a.call("POST", "/api/bulk", {"selection": {"ids": [asset]}, "op": "rate", "rating": stars})
        while a.rating(asset) != stars:
            pass
        rated_own.append(time.perf_counter() - t0)
        while b.rating(asset) != stars:
            time.sleep(0.005)
            if time.perf_counter() - t0 > 10:
                raise SystemExit(f"the rating never arrived: {b.rating(asset)} there, {a.rating(asset)} here, want {stars}; {b.call('GET', '/api/studio/sync')}")
        rated.append(time.perf_counter() - t0)
        time.sleep(0.2)

    # Sign-in → first sync complete, for fresh libraries (each its own app).
    firsts = []
    for i in range(5):
        name = f"fresh{i}"
        app = App(name)
        t0 = time.perf_counter()
        app.call("POST", "/api/studio/login", {"url": url_b, "email": "ana@bench.test", "password": PASSWORD})
        app.wait_up_to_date()
        firsts.append(time.perf_counter() - t0)

    ms = lambda x: f"{x * 1000:.0f} ms"
    backend = "PostgreSQL, two studio processes" if pg else "SQLite, one studio process"
    print(f"backend: {backend}; {runs} changes")
    print(f"change visible in the other library's app: median {ms(statistics.median(seen))}, "
          f"p95 {ms(pct(seen, 95))}, max {ms(max(seen))}")
    print(f"reference, the same change read back in its own app: median {ms(statistics.median(own))}, "
          f"p95 {ms(pct(own, 95))}")
    print(f"ratio other/own (medians): {statistics.median(seen) / statistics.median(own):.1f}x")
    print(f"a shared asset's rating visible in the other library's app: median {ms(statistics.median(rated))}, "
          f"p95 {ms(pct(rated, 95))}, max {ms(max(rated))}; read back in its own app: median "
          f"{ms(statistics.median(rated_own))}")
    print(f"sign-in -> first sync complete: median {ms(statistics.median(firsts))}, max {ms(max(firsts))}")
finally:
    stop_all(procs)
    shutil.rmtree(tmp, ignore_errors=True)
