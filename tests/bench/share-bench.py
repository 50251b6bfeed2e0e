#!/usr/bin/env python3
"""Sharing's targets (issue 12), measured through the real binaries on 127.0.0.1 (SQLite studio):

- share: an Owner's library of N synthetic assets (atelier-bench synth: 30 projects, brands,
  tags; no image files, so no uploads) shares every project — each `atelier project share`
  pushes its assets' `asset.create` intents and pulls their rows back;
- first sync: a fresh library of an Admin (who sees every brand) signs in and runs its first
  `atelier sync`: every shared asset's metadata applied, then a first page searched (browsable);
- tag burst: the Owner tags every asset (all shared), with the studio stopped (the reference:
  the local change alone, queued), then `atelier sync` pushes one intent per asset and pulls the
  rows back.

With --files every synthetic asset has a small file that is also its grid thumbnail (a
400-pixel JPEG of a real thumbnail's size): sharing then also uploads them (each `project
share` syncs), and the new library's app (`atelier serve`, started after its first sync)
fetches every thumbnail in the background; timed until its sync indicator says none wait.

The reference for the first sync is Immich's mobile app: 491k remote assets shown in about 18 s
(≈ 27,000 assets/s), as its maintainers report it.

Must run inside a Secret Service session (scripts/services.sh in_secret_service).
Usage: share-bench.py BIN_DIR [--assets N] [--files]"""
import json, os, shutil, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import run, start, stop_all  # noqa: E402

args = sys.argv[1:]
bin_dir = args[0]
n = int(args[args.index("--assets") + 1]) if "--assets" in args else 20000
files = "--files" in args
atelier = os.path.join(bin_dir, "atelier")
bench = os.path.join(bin_dir, "atelier-bench")
studio_bin = os.path.join(bin_dir, "atelier-studio")
tmp = tempfile.mkdtemp(prefix="share-bench-")
procs = []
PASSWORD = "bench password 1"


# ATELIER_BENCH_PERF=first|burst records that step system-wide with `perf record -g` (both
# processes: the library and the studio) into /tmp/atelier-<step>.perf, for finding where the
# time goes; the figures of a recorded run are not for docs/benchmarks.md. ATELIER_BENCH_PERF_CALLS
# (for example `dwarf,8192 -F 250`) replaces `-g`: release builds keep no frame pointers, so
# only DWARF unwinding sees through Rust frames.
PERF = os.environ.get("ATELIER_BENCH_PERF")
PERF_CALLS = os.environ.get("ATELIER_BENCH_PERF_CALLS")


def lib(name, *a, stdin=None, step=None):
    cmd = [atelier, "--library", os.path.join(tmp, name), *a]
    if step is not None and step == PERF:
        calls = ["--call-graph", *PERF_CALLS.split()] if PERF_CALLS else ["-g"]
        cmd = ["perf", "record", "-q", *calls, "-a", "-o", f"/tmp/atelier-{step}.perf", "--", *cmd]
    return run(cmd, stdin)


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def serve(data, listen="127.0.0.1:0"):
    return start(procs, [studio_bin, "serve", "--data", data, "--listen", listen],
                 "Atelier studio is serving at ")


try:
    data = os.path.join(tmp, "studio")
    run([studio_bin, "init", "--data", data, "--owner", "olive@bench.test", "--name", "Olive",
         "--password-stdin"], PASSWORD + "\n")
    studio, url = serve(data)
    run([bench, "--library", os.path.join(tmp, "a"), "synth", "--assets", str(n), "--json",
         *(["--files"] if files else [])])
    lib("a", "studio", "login", url, "--email", "olive@bench.test", "--password-stdin", stdin=PASSWORD + "\n")
    lib("a", "sync")
    projects = json.loads(lib("a", "project", "list", "--json"))
    share_s = 0.0
    for p in projects:
        if p["count"] == 0:
            continue
        s, _ = timed(lambda: lib("a", "project", "share", p["name"]))
        share_s += s
    shared = sum(p["count"] for p in projects)

    link = json.loads(lib("a", "studio", "invite", "ada@bench.test", "--role", "admin", "--json"))["link"]
    lib("b", "studio", "join", link, "--email", "ada@bench.test", "--name", "Ada", "--password-stdin",
        stdin=PASSWORD + "\n")
    t_first = time.perf_counter()
    first_s, report = timed(lambda: json.loads(lib("b", "sync", "--json", step="first")))
    browse_s, page = timed(lambda: json.loads(lib("b", "search", "--limit", "100", "--json")))
    seen = page["total"]
    if files:
        # The rest of the thumbnails come in the app's background sync.
        app, url_b = start(procs, [atelier, "--library", os.path.join(tmp, "b"), "serve", "--port", "0"],
                           "Atelier is serving at ")
        base, token = url_b.split("/?token=")
        while True:
            req = urllib.request.Request(base + "/api/studio/sync",
                                         headers={"authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req) as r:
                status = json.loads(r.read())
            if status["state"] == "up_to_date" and status["thumbnails_waiting"] == 0:
                break
            if time.perf_counter() - t_first > 900:
                raise SystemExit(f"thumbnails still waiting after 15 minutes: {status}")
            time.sleep(0.05)
        thumbs_s = time.perf_counter() - t_first
        app.terminate()
        app.wait()
        # Checked, not trusted: a sync now finds no thumbnail left to fetch.
        left = json.loads(lib("b", "sync", "--json"))["thumbnails"]
        if left:
            raise SystemExit(f"the app said no thumbnail waits, but a sync then fetched {left}")

    studio.terminate()
    studio.wait()
    local_s, _ = timed(lambda: lib("a", "tag", "add", "burst", "--all"))
    studio, _ = serve(data, url.removeprefix("http://"))
    push_s, pushed = timed(lambda: json.loads(lib("a", "sync", "--json", step="burst")))

    kind = "each with a file and its thumbnail" if files else "no files"
    print(f"studio on SQLite; {shared} assets shared in {len(projects)} projects (synthetic, {kind})")
    print(f"share: {share_s:.1f} s for {shared} assets ({shared / share_s:,.0f} assets/s, "
          f"intents pushed and rows pulled back{', files uploaded' if files else ''})")
    print(f"first sync of a new library: {first_s:.1f} s for {seen} assets "
          f"({seen / first_s:,.0f} assets/s; {report['pulled']} rows); first page searched in "
          f"{browse_s * 1000:.0f} ms")
    if files:
        print(f"all {seen} thumbnails in the new library: {thumbs_s:.1f} s from the start of its first "
              f"sync ({seen / thumbs_s:,.0f} thumbnails/s)")
    print(f"reference, Immich's mobile app: 491,000 assets in ~18 s (~27,000 assets/s); "
          f"ratio of rates Atelier/Immich: {(seen / first_s) / 27000:.2f}")
    print(f"tag burst on {shared} assets: local change {local_s:.2f} s (reference); "
          f"pushed and applied by the studio, rows pulled back: {push_s:.2f} s "
          f"({pushed['pushed']} intents; ratio {push_s / local_s:.1f}x the local change)")
finally:
    stop_all(procs)
    # ATELIER_BENCH_KEEP=1 keeps the studio and the libraries, to look into afterwards.
    if os.environ.get("ATELIER_BENCH_KEEP"):
        print(f"kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
