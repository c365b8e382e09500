"""Helpers the PyTorch-side benchmark scripts share: timing, and running our binary."""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_ms(step, warmup, reps):
    """Median wall time of `step` in milliseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def run_ours(name, threads):
    """Runs build/bench/<name> with `threads` threads; returns its "key value" lines as a dict."""
    exe = os.path.join(ROOT, "build", "bench", name)
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: build first (./scripts/build.sh)")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    res = subprocess.run([exe, "--threads", str(threads)], capture_output=True, text=True, env=env, check=True)
    return {k: float(v) for k, v in (line.split() for line in res.stdout.splitlines())}
