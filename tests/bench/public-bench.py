#!/usr/bin/env python3
"""Public campaign pages' targets (issue 13), through the real binaries on 127.0.0.1:

- page: the public page of a campaign of 200 approved photos, served by the studio (release,
  SQLite, `--public-rate 0` so that its per-client limiter doesn't refuse the load tool), against
  nginx (Debian's nginx-light) serving the same HTML bytes as a static file. The same load tool
  (wrk: 2 threads, 64 connections, 10 s) on both, alternating, in one run: requests/s and p99;
- thumbnail: one photo's thumbnail through the public link, against nginx serving the same file
  (wrk, one connection: the time one request takes);
- revocation (with --postgres: two studio processes on one database and one blob folder):
  Regenerate through the studio's API on the first process, then the old page and an old
  thumbnail URL polled on every process until each answers 404 — from the moment the API
  answered.

The fixture is made through the CLI: 200 JPEGs (the committed digicam photos, each made distinct
by a comment block), imported into a project of a brand with self-approval, shared, every photo
submitted and approved on a campaign, sharing turned on, the campaign published.

Usage: public-bench.py BIN_DIR [--postgres URL] [--runs N] [--assets N]"""
import json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import run, start, stop_all  # noqa: E402

args = sys.argv[1:]
bin_dir = args[0]
pg = args[args.index("--postgres") + 1] if "--postgres" in args else None
runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
n_assets = int(args[args.index("--assets") + 1]) if "--assets" in args else 200
atelier = os.path.join(bin_dir, "atelier")
studio_bin = os.path.join(bin_dir, "atelier-studio")
here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "fixtures", "corpus", "photos", "digicam")
tmp = tempfile.mkdtemp(prefix="public-bench-")
procs = []
PASSWORD = "bench password 1"
db = ["--database-url", pg] if pg else []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def lib(*a, stdin=None):
    return run([atelier, "--library", os.path.join(tmp, "owner"), *a], stdin)


def serve(data, port, public):
    return start(procs, [studio_bin, "serve", "--data", data, "--listen", f"127.0.0.1:{port}",
                         "--public-url", public, "--public-rate", "0", *db],
                 "Atelier studio is serving at ", stderr=open(os.path.join(tmp, f"studio-{port}.log"), "w"))


def status(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def wrk(url, connections, seconds=10):
    """Requests/s and p99 latency (ms) of `url` under wrk."""
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        logs = "".join(open(os.path.join(tmp, f)).read()[-2000:] for f in os.listdir(tmp) if f.endswith(".log"))
        raise SystemExit(f"{url}: {non2xx.group(1)} requests failed under load (now {status(url)}):\n{out}\n{logs}")
    return rps, float(p50.group(1)) * unit[p50.group(2)], float(p99.group(1)) * unit[p99.group(2)]


def nginx(root, port):
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes auto;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types {{ text/html html; image/jpeg jpg; }}
  server {{
    listen 127.0.0.1:{port};
    root {root};
  }}
}}
""")
    p = subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stderr=subprocess.DEVNULL)
    procs.append(p)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return p
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nginx did not start")


def photos(into, n):
    """`n` distinct JPEGs from the committed photos: a comment block after SOI makes each
    its own content."""
    os.makedirs(into)
    srcs = sorted(os.path.join(fixtures, f) for f in os.listdir(fixtures))
    for i in range(n):
        data = open(srcs[i % len(srcs)], "rb").read()
        text = f"bench photo {i}".encode()
        com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
        with open(os.path.join(into, f"photo-{i:04d}.jpg"), "wb") as f:
            f.write(data[:2] + com + data[2:])


try:
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: scripts/setup.sh installs it")
    data = os.path.join(tmp, "studio")
    run([studio_bin, "init", "--data", data, "--owner", "olive@bench.test", "--name", "Olive",
         "--password-stdin", *db], PASSWORD + "\n")
    ports = [free_port() for _ in range(2 if pg else 1)]
    public = f"http://127.0.0.1:{ports[0]}"
    servers = [serve(data, port, public) for port in ports]
    shoot = os.path.join(tmp, "shoot")
    photos(shoot, n_assets)
    lib("studio", "login", public, "--email", "olive@bench.test", "--password-stdin", stdin=PASSWORD + "\n")
    lib("brand", "create", "Acme")
    lib("brand", "kit", "Acme", "--self-approval", "on")
    lib("project", "create", "Launch", "--brand", "Acme")
    lib("import", shoot, "--project", "Launch", "--brand", "Acme")
    lib("project", "share", "Launch")
    lib("campaign", "create", "Autumn", "--brand", "Acme")
    lib("campaign", "add", "Autumn", "--project", "Launch", "--brand", "Acme")
    lib("review", "submit", "--project", "Launch")
    lib("review", "approve", "--project", "Launch")
    lib("studio", "sharing", "on")
    lib("sync")
    link = json.loads(lib("campaign", "publish", "Autumn", "--brand", "Acme", "--json"))["link"]
    with urllib.request.urlopen(link) as r:
        html = r.read()
    shown = len(re.findall(rb"<li>", html))
    if shown != n_assets:
        raise SystemExit(f"the public page shows {shown} photos, not {n_assets}")
    thumb_path = re.search(rb'src="(/c/[^"]+/thumb/[^"]+)"', html).group(1).decode()
    thumb_url = public + thumb_path
    with urllib.request.urlopen(thumb_url) as r:
        thumb = r.read()

    # nginx serves the same bytes as static files.
    root = os.path.join(tmp, "www")
    os.makedirs(root)
    # nginx's workers (run as root here, they drop to `nobody`) must reach the files.
    os.chmod(tmp, 0o755)
    open(os.path.join(root, "page.html"), "wb").write(html)
    open(os.path.join(root, "thumb.jpg"), "wb").write(thumb)
    nport = free_port()
    nginx(root, nport)
    static_page = f"http://127.0.0.1:{nport}/page.html"
    static_thumb = f"http://127.0.0.1:{nport}/thumb.jpg"
    with urllib.request.urlopen(static_page) as r:
        assert r.read() == html
    print(f"fixture: {n_assets} approved photos; page {len(html)} bytes, thumbnail {len(thumb)} bytes"
          + (" (PostgreSQL, two studio processes)" if pg else " (SQLite)"))

    # ATELIER_BENCH_PERF=page|thumb records the studio during that load with perf (into
    # /tmp/atelier-public-<what>.perf); the figures of a recorded run are not for the docs.
    perf = os.environ.get("ATELIER_BENCH_PERF")
    if perf:
        pid = servers[0][0].pid
        rec = subprocess.Popen(["perf", "record", "-q", "--call-graph", "dwarf,16384", "-F", "200", "-p", str(pid),
                                "-o", f"/tmp/atelier-public-{perf}.perf", "--", "sleep", "6"])
        wrk(link if perf == "page" else thumb_url, 64 if perf == "page" else 1, 8)
        rec.wait()
    page = {"studio": [], "nginx": []}
    one = {"studio": [], "nginx": []}
    for r in range(runs):
        for who, url in (("studio", link), ("nginx", static_page)):
            page[who].append(wrk(url, 64))
        for who, url in (("studio", thumb_url), ("nginx", static_thumb)):
            one[who].append(wrk(url, 1, 5))

    def med(xs, i):
        return statistics.median(x[i] for x in xs)

    s_rps, n_rps = med(page["studio"], 0), med(page["nginx"], 0)
    print(f"page (wrk -t2 -c64 -d10s, median of {runs}): studio {s_rps:,.0f} req/s, p99 "
          f"{med(page['studio'], 2):.2f} ms; nginx {n_rps:,.0f} req/s, p99 {med(page['nginx'], 2):.2f} ms; "
          f"studio/nginx throughput {s_rps / n_rps:.2f}")
    s_t, n_t = med(one["studio"], 1), med(one["nginx"], 1)
    print(f"thumbnail (wrk -t1 -c1 -d5s, median of {runs}): studio p50 {s_t:.3f} ms "
          f"({med(one['studio'], 0):,.0f} req/s); nginx p50 {n_t:.3f} ms ({med(one['nginx'], 0):,.0f} req/s); "
          f"studio/nginx time {s_t / n_t:.2f}")

    # Revocation: Regenerate on the first process; every process's old URLs until 404.
    signin = urllib.request.Request(f"{public}/api/v1/auth/password", method="POST",
                                    data=json.dumps({"email": "olive@bench.test", "password": PASSWORD,
                                                     "device": "bench"}).encode(),
                                    headers={"content-type": "application/json"})
    token = json.loads(urllib.request.urlopen(signin).read())["access_token"]
    campaign = json.loads(lib("campaign", "list", "--brand", "Acme", "--json"))[0]["id"]
    times = {p: [] for p in ports}
    for r in range(max(runs, 5)):
        old = json.loads(lib("campaign", "publish", "Autumn", "--brand", "Acme", "--json"))["link"]
        path = old[len(public):]
        req = urllib.request.Request(f"{public}/api/v1/campaigns/{campaign}/link", method="POST",
                                     data=b'{"regenerate":true}',
                                     headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
        urllib.request.urlopen(req).read()
        answered = time.perf_counter()
        for port in ports:
            base = f"http://127.0.0.1:{port}"
            while status(base + path) != 404 or status(base + path + thumb_path[thumb_path.index("/thumb/"):]) != 404:
                pass
            times[port].append((time.perf_counter() - answered) * 1000)
    for i, port in enumerate(ports):
        print(f"revocation on process {i + 1}: old page and thumbnail 404 after median "
              f"{statistics.median(times[port]):.1f} ms, max {max(times[port]):.1f} ms "
              f"(of {len(times[port])}, from the API's answer)")
finally:
    stop_all(procs)
    shutil.rmtree(tmp, ignore_errors=True)
