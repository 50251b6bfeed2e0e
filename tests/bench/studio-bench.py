#!/usr/bin/env python3
"""The studio's costs (issue 11 targets), side by side in one run: a request to a route that
authorises the caller (GET /api/v1/me: the bearer token hashed, looked up, the device and the
person's current role read) against the public route (GET /api/v1/studio) on one keep-alive
connection, medians of N; and the resident memory of the serve process at rest.
Usage: studio-bench.py URL EMAIL PASSWORD PID [N]"""
import http.client, json, statistics, sys, time, urllib.parse

url, email, password, pid = sys.argv[1:5]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port)

def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    if r.status >= 400:
        raise SystemExit(f"{path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None

def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

time.sleep(2)
rest = rss_kb()
signed = call("POST", "/api/v1/auth/password", {"email": email, "password": password, "device": "bench"})
token = signed["access_token"]

def timed(path, tok):
    for _ in range(50):
        call("GET", path, token=tok)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        call("GET", path, token=tok)
        out.append((time.perf_counter() - t) * 1000)
    return out

# Interleave the two series in rounds so the machine's noise falls on both alike.
pub, auth = [], []
for _ in range(5):
    pub += timed("/api/v1/studio", None)
    auth += timed("/api/v1/me", token)
mp, ma = statistics.median(pub), statistics.median(auth)
print(f"studio: RSS at rest {rest / 1024:.1f} MB (target < 40 MB); after {10 * n} requests {rss_kb() / 1024:.1f} MB")
print(f"studio: GET /api/v1/studio (public) median {mp:.3f} ms, GET /api/v1/me (authorised) median {ma:.3f} ms "
      f"over {5 * n} each: authorisation adds {ma - mp:.3f} ms (target < 0.2 ms)")
