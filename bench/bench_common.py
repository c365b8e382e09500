"""Helpers the PyTorch-side benchmark scripts share: timing, and running our binary."""
import argparse
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


def run_ours(name, threads, extra=()):
    """Runs build/bench/<name> with `threads` threads (and `extra` arguments); returns its
    "key value" lines as a dict."""
    exe = os.path.join(ROOT, "build", "bench", name)
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: build first (./scripts/build.sh)")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    res = subprocess.run([exe, "--threads", str(threads), *extra], capture_output=True, text=True, env=env,
                         check=True)
    return {k: float(v) for k, v in (line.split() for line in res.stdout.splitlines())}


def thread_args(doc=None):
    """The flags every side-by-side script takes: --threads (ours, default all cores) and
    --torch-threads (one or more PyTorch thread counts, default the same as ours). Scripts
    may add their own before parse_args()."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--torch-threads", type=int, nargs="*", default=None)
    return ap


def print_times(ours, runs, keys):
    """Prints each workload's time (ms) ours and per PyTorch run, with the ratio of the
    fastest PyTorch run to ours (above 1: we are faster)."""
    names = list(runs)
    width = max([12] + [len(n) for n in names])
    print(f"\n{'workload':28s} {'ours':>9s} " + " ".join(f"{n:>{width}s}" for n in names) + f" {'ratio':>8s}")
    for k in keys:
        best = min(runs[n][k] for n in names)
        print(f"{k:28s} {ours[k]:9.2f} " + " ".join(f"{runs[n][k]:{width}.2f}" for n in names) + f" {best / ours[k]:7.2f}x")
    print("\nratio: the fastest PyTorch time / ours")
