"""What the benchmark scripts share: running Atelier's real binaries, starting a server and
waiting for the line that says where it serves, stopping them all, percentiles. Knows nothing
of what a benchmark measures."""
import subprocess


def run(cmd, stdin=None):
    """Runs `cmd` to its end; its stdout, or the script stops with what it printed."""
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: {r.stderr}{r.stdout}")
    return r.stdout


def start(procs, cmd, prefix, **popen):
    """Starts a server, kept in `procs`; waits for its first line to start with `prefix`.
    Returns the process and the rest of that line (its address)."""
    popen.setdefault("stderr", subprocess.DEVNULL)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **popen)
    procs.append(p)
    line = p.stdout.readline().strip()
    if not line.startswith(prefix):
        raise SystemExit(f"{' '.join(cmd)}: {line!r}")
    return p, line[len(prefix):]


def stop_all(procs):
    """Asks every process to stop, then kills those still there after 5 s."""
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()


def pct(xs, p):
    """The `p`th percentile of `xs` (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
