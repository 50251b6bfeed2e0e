#!/usr/bin/env python3
"""Many libraries pushing at once (issue 12: 20 libraries each pushing 1,000 intents at once to
one studio: all applied exactly once, push p95 < 100 ms), through the real binaries on
127.0.0.1:

- an Owner's library of synthetic assets (atelier-bench synth, no image files) shares every
  project; 20 people join the studio as Admins (who see every team brand), each with a library
  of their own that syncs every shared asset (about 1,000 each);
- with the studio stopped, each of them tags every asset with a tag of their own (one `tag.add`
  intent per asset, queued in each outbox);
- the studio starts again and all 20 libraries run `atelier sync` at the same moment: each push
  (at most 100 intents) is timed by the studio itself (its access log, debug level), from the
  request's arrival to its answer; the reference is a pull answered in the same run;
- afterwards the Owner's library syncs: every asset carries all 20 tags, once.

Backends: the embedded SQLite studio (one process), or with --postgres URL (an empty database)
a PostgreSQL studio served by two processes, the libraries taking turns between them.

ATELIER_BENCH_PERF=storm records the studio processes during the storm with `perf record`
into /tmp/atelier-storm.perf (ATELIER_BENCH_PERF_CALLS, for example `dwarf,8192 -F 500`,
replaces `-g`); the figures of a recorded run are not for docs/benchmarks.md.

Must run inside a Secret Service session (scripts/services.sh in_secret_service).
Usage: push-bench.py BIN_DIR [--postgres URL] [--libraries N] [--assets N]"""
import json, os, re, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import pct, run, start, stop_all  # noqa: E402

args = sys.argv[1:]
bin_dir = args[0]
pg = args[args.index("--postgres") + 1] if "--postgres" in args else None
libraries = int(args[args.index("--libraries") + 1]) if "--libraries" in args else 20
# synth puts about a tenth of its assets in the Owner's Personal brand, which no one else sees.
assets = int(args[args.index("--assets") + 1]) if "--assets" in args else 1110
atelier = os.path.join(bin_dir, "atelier")
bench = os.path.join(bin_dir, "atelier-bench")
studio_bin = os.path.join(bin_dir, "atelier-studio")
tmp = tempfile.mkdtemp(prefix="push-bench-")
procs = []
PASSWORD = "bench password 1"
db = ["--database-url", pg] if pg else []
logs = []


def lib(name, *a, stdin=None):
    return run([atelier, "--library", os.path.join(tmp, name), *a], stdin)


def serve(data, listen="127.0.0.1:0"):
    log = os.path.join(tmp, f"studio-{len(logs)}.log")
    logs.append(log)
    env = dict(os.environ, RUST_LOG="info,atelier_studio::access=debug,atelier_studio::push=debug")
    return start(procs, [studio_bin, "serve", "--data", data, "--listen", listen, *db],
                 "Atelier studio is serving at ", stderr=open(log, "w"), env=env)


def stop(p):
    p.terminate()
    p.wait()


ACCESS = re.compile(r'method=(\w+) route="?([^" ]+)"? status=(\d+) ms=([\d.]+)')
WRITER = re.compile(r'pushes=(\d+) intents=(\d+) waited_ms=([\d.]+) held_ms=([\d.]+) read_ms=([\d.]+) '
                    r'decide_ms=([\d.]+) write_ms=([\d.]+) commit_ms=([\d.]+)')


def matches(pattern, since):
    """Every match of `pattern` in the studios' logs, from byte `since[log]` on."""
    for log in logs:
        with open(log) as f:
            f.seek(since.get(log, 0))
            for line in f:
                m = pattern.search(line)
                if m:
                    yield m


def timings(route, since):
    """(status, ms) of each request to `route` (the access log)."""
    return [(int(m.group(3)), float(m.group(4))) for m in matches(ACCESS, since) if m.group(2) == route]


def writer_times(since):
    """(pushes, waited, held, read, decide, write, commit) of each writing transaction — a group
    of the pushes waiting (the store's debug line; ms)."""
    return [tuple(float(m.group(i)) for i in range(1, 9)) for m in matches(WRITER, since)]


try:
    data = os.path.join(tmp, "studio")
    run([studio_bin, "init", "--data", data, "--owner", "olive@bench.test", "--name", "Olive",
         "--password-stdin", *db], PASSWORD + "\n")
    servers = [serve(data)]
    if pg:
        servers.append(serve(data))
    urls = [u for _, u in servers]
    run([bench, "--library", os.path.join(tmp, "owner"), "synth", "--assets", str(assets), "--json"])
    lib("owner", "studio", "login", urls[0], "--email", "olive@bench.test", "--password-stdin",
        stdin=PASSWORD + "\n")
    lib("owner", "sync")
    for p in json.loads(lib("owner", "project", "list", "--json")):
        if p["count"]:
            lib("owner", "project", "share", p["name"])

    names = [f"m{i}" for i in range(libraries)]
    for i, name in enumerate(names):
        link = json.loads(lib("owner", "studio", "invite", f"{name}@bench.test", "--role", "admin",
                              "--json"))["link"]
        url = urls[i % len(urls)]
        lib(name, "studio", "join", link.replace(urls[0], url), "--email", f"{name}@bench.test",
            "--name", name, "--password-stdin", stdin=PASSWORD + "\n")
        lib(name, "sync")

    # Every outbox filled while the studio is away.
    for p, _ in servers:
        stop(p)
    for name in names:
        lib(name, "tag", "add", f"storm-{name}", "--all")
    servers = [serve(data, u.removeprefix("http://")) for u in urls]
    since = {log: os.path.getsize(log) for log in logs}

    perf = None
    if os.environ.get("ATELIER_BENCH_PERF") == "storm":
        calls = os.environ.get("ATELIER_BENCH_PERF_CALLS")
        perf = subprocess.Popen(["perf", "record", "-q", *(["--call-graph", *calls.split()] if calls else ["-g"]),
                                 "-o", "/tmp/atelier-storm.perf", "-p", ",".join(str(p.pid) for p, _ in servers)])
        time.sleep(0.5)
    t0 = time.perf_counter()
    # The libraries run at the lowest priority: on this one machine they stand in for 20 other
    # computers, whose CPU would not be the studio's (else the push times are mostly the
    # studio waiting for a core while 20 processes start).
    syncs = [subprocess.Popen(["nice", "-n", "19", atelier, "--library", os.path.join(tmp, name), "sync", "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in names]
    reports = []
    for name, s in zip(names, syncs):
        out, err = s.communicate()
        if s.returncode != 0:
            raise SystemExit(f"{name}: sync failed: {err}{out}")
        reports.append(json.loads(out))
    wall = time.perf_counter() - t0
    if perf:
        perf.send_signal(2)
        perf.wait()
    pushes = timings("/api/v1/sync/push", since)
    pulls = timings("/api/v1/sync/pull", since)
    failed = [s for s, _ in pushes if s != 200]
    held = writer_times(since)

    lib("owner", "sync")
    tags = {t["name"]: t["count"] for t in json.loads(lib("owner", "tag", "list", "--json"))}
    pushed = [r["pushed"] for r in reports]
    # Each library tagged every asset it sees (the same for all: Admins see every team brand).
    wrong = {n: (tags.get(f"storm-{n}"), p) for n, p in zip(names, pushed)
             if tags.get(f"storm-{n}") != p or p != pushed[0]}

    ms = [m for _, m in pushes]
    backend = "PostgreSQL, two studio processes" if pg else "SQLite, one studio process"
    print(f"backend: {backend}; {libraries} libraries, each {pushed[0]} tag.add intents queued")
    print(f"all synced in {wall:.2f} s; intents applied per library: min {min(pushed)}, max {max(pushed)}; "
          f"{len(pushes)} pushes ({len(failed)} not 200), {len(pulls)} pulls")
    print(f"push ({len(pushes) // libraries} per library) answered by the studio: median {statistics.median(ms):.0f} ms, "
          f"p95 {pct(ms, 95):.0f} ms, max {max(ms):.0f} ms; a pull in the same run: median "
          f"{statistics.median([m for _, m in pulls]):.0f} ms")
    print(f"writing transactions: {len(held)} for {sum(h[0] for h in held):.0f} pushes (pushes per group: median "
          f"{statistics.median([h[0] for h in held]):.0f}, max {max(h[0] for h in held):.0f}); held median "
          f"{statistics.median([h[3] for h in held]):.1f} ms, max {max(h[3] for h in held):.0f} ms; waited for the "
          f"writer: median {statistics.median([h[2] for h in held]):.0f} ms, p95 {pct([h[2] for h in held], 95):.0f} ms")
    print("the writer held, median ms: " + ", ".join(
        f"{name} {statistics.median([h[i] for h in held]):.2f}"
        for i, name in [(4, "begin and read"), (5, "decide"), (6, "write"), (7, "commit")]))
    print("every asset carries each library's tag" if not wrong and pushed[0] > 0
          else f"NOT all applied: (tag count, intents applied) {wrong}; pushed {pushed}")
    if wrong or failed or pushed[0] == 0:
        sys.exit(1)
finally:
    stop_all(procs)
    shutil.rmtree(tmp, ignore_errors=True)
