#!/usr/bin/env python3
"""Uploads of originals (issue 12): about 2 GB of files of mixed sizes sent to a studio whose
blobs are on SeaweedFS (S3), against `rclone copy` of the same files straight to the same
SeaweedFS, in one run, each side three times (a fresh studio and bucket prefix each time, so
nothing is there yet), alternating; medians and their ratio. Also the uploading process's
memory: the peak RSS of the `atelier sync` that sends them against the peak of a sync with
nothing to send (the growth the target bounds: < 50 MB).

The files: 2 × 256 MiB (video-sized), 6 × 96 MiB, 30 × 20 MiB (RAW-sized) and 100 × 3 MiB
(JPEG-sized), 1,988 MiB in all — each a small real JPEG followed by random bytes (decoders stop
at the picture's end marker), so every one imports as a photo and none compresses.

Needs SeaweedFS as scripts/services.sh starts it (ATELIER_TEST_S3_*), rclone, and a Secret
Service session (in_secret_service). The files are imported with the studio stopped, so that
the sync timed is the one that sends them. Usage: upload-bench.py BIN_DIR [--runs N]"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import run, start, stop_all  # noqa: E402

args = sys.argv[1:]
bin_dir = args[0]
runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
atelier = os.path.join(bin_dir, "atelier")
studio_bin = os.path.join(bin_dir, "atelier-studio")
endpoint = os.environ["ATELIER_TEST_S3_ENDPOINT"]
bucket = os.environ["ATELIER_TEST_S3_BUCKET"]
keys = (os.environ["ATELIER_TEST_S3_ACCESS_KEY"], os.environ["ATELIER_TEST_S3_SECRET_KEY"])
tmp = tempfile.mkdtemp(prefix="upload-bench-", dir=os.environ.get("BENCH_DIR"))
procs = []
PASSWORD = "bench password 1"
SIZES_MIB = [256] * 2 + [96] * 6 + [20] * 30 + [3] * 100

s3_env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_REGION="us-east-1",
              AWS_ACCESS_KEY_ID=keys[0], AWS_SECRET_ACCESS_KEY=keys[1], AWS_ALLOW_HTTP="true")
# rclone's S3 client reads AWS_* settings too (a CA bundle set for other tools breaks it over
# plain HTTP): it gets only its own.
rclone_env = dict({k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, RCLONE_CONFIG_SW_TYPE="s3", RCLONE_CONFIG_SW_PROVIDER="SeaweedFS",
                  RCLONE_CONFIG_SW_ENDPOINT=endpoint, RCLONE_CONFIG_SW_ACCESS_KEY_ID=keys[0],
                  RCLONE_CONFIG_SW_SECRET_ACCESS_KEY=keys[1], RCLONE_CONFIG_SW_ENV_AUTH="false")


def make_files(folder):
    os.makedirs(folder)
    base = os.path.join(tmp, "base.jpg")
    subprocess.run(["vips", "gaussnoise", base, "400", "300"], check=True)
    picture = open(base, "rb").read()
    for i, mib in enumerate(SIZES_MIB):
        with open(os.path.join(folder, f"file-{i:03}.jpg"), "wb") as f:
            f.write(picture)
            left = mib * 1024 * 1024 - len(picture)
            while left > 0:
                n = min(left, 8 << 20)
                f.write(os.urandom(n))
                left -= n
    return sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))


def peak_rss_kb(cmd, env=None):
    """Runs `cmd` under /usr/bin/time; its stdout and peak RSS in KB."""
    out = os.path.join(tmp, "time.out")
    stdout = run(["/usr/bin/time", "-o", out, "-f", "%M", *cmd]) if env is None else \
        subprocess.run(["/usr/bin/time", "-o", out, "-f", "%M", *cmd], env=env, check=True,
                       capture_output=True, text=True).stdout
    return stdout, int(open(out).read().split()[-1])


def atelier_round(i, files):
    data = os.path.join(tmp, f"studio-{i}")
    prefix = f"s3://{bucket}/upload-bench-{i}"
    subprocess.run([studio_bin, "init", "--data", data, "--owner", "olive@bench.test", "--name", "Olive",
                    "--password-stdin", "--blob-url", prefix], input=PASSWORD + "\n", text=True,
                   env=s3_env, check=True, capture_output=True)
    studio, url = start(procs, [studio_bin, "serve", "--data", data, "--listen", "127.0.0.1:0",
                                "--blob-url", prefix], "Atelier studio is serving at ", env=s3_env)
    library = os.path.join(tmp, f"lib-{i}")

    def lib(*a, stdin=None):
        return run([atelier, "--library", library, *a], stdin)

    lib("studio", "login", url, "--email", "olive@bench.test", "--password-stdin", stdin=PASSWORD + "\n")
    lib("brand", "create", "Bench")
    lib("project", "create", "Uploads")
    lib("project", "share", "Uploads")
    # Imported with the studio away (a command that changes a bound library syncs at once):
    # the uploads wait for the sync timed below.
    studio.terminate()
    studio.wait()
    procs.remove(studio)
    lib("import", files, "--project", "Uploads", "--brand", "Bench", "--json")
    studio, _ = start(procs, [studio_bin, "serve", "--data", data, "--listen", url.removeprefix("http://"),
                              "--blob-url", prefix], "Atelier studio is serving at ", env=s3_env)
    t0 = time.perf_counter()
    out, peak = peak_rss_kb([atelier, "--library", library, "sync", "--json"])
    seconds = time.perf_counter() - t0
    uploaded = json.loads(out)["uploaded"]
    if uploaded != len(SIZES_MIB):
        raise SystemExit(f"the sync uploaded {uploaded} originals, not {len(SIZES_MIB)}: {out}")
    _, idle = peak_rss_kb([atelier, "--library", library, "sync", "--json"])
    studio.terminate()
    studio.wait()
    procs.remove(studio)
    subprocess.run(["rclone", "purge", f"sw:{bucket}/upload-bench-{i}"], env=rclone_env, check=True)
    shutil.rmtree(library, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    return seconds, peak - idle


def rclone_round(i, files):
    dest = f"sw:{bucket}/rclone-bench-{i}"
    t0 = time.perf_counter()
    subprocess.run(["rclone", "copy", files, dest], env=rclone_env, check=True)
    seconds = time.perf_counter() - t0
    subprocess.run(["rclone", "purge", dest], env=rclone_env, check=True)
    return seconds


try:
    files = os.path.join(tmp, "files")
    total = make_files(files)
    ours, theirs, growth = [], [], []
    for i in range(runs):
        s, g = atelier_round(i, files)
        ours.append(s)
        growth.append(g)
        theirs.append(rclone_round(i, files))
        print(f"run {i + 1}: atelier {s:.1f} s (memory +{g / 1024:.0f} MB), rclone copy {theirs[-1]:.1f} s",
              flush=True)
    a, r = statistics.median(ours), statistics.median(theirs)
    mb = total / 1e6
    print(f"upload of {len(SIZES_MIB)} originals, {total / 2**20:,.0f} MiB, to a studio on SeaweedFS: "
          f"atelier {a:.1f} s ({mb / a:.0f} MB/s), rclone copy straight to SeaweedFS {r:.1f} s "
          f"({mb / r:.0f} MB/s) (medians of {runs}); throughput ratio {r / a:.2f} (target ≥ 0.7)")
    print(f"memory of the uploading sync: peak RSS growth over an idle sync "
          f"{statistics.median(growth) / 1024:.0f} MB (median; max {max(growth) / 1024:.0f} MB; target < 50 MB)")
finally:
    stop_all(procs)
    shutil.rmtree(tmp, ignore_errors=True)
