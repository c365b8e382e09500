#!/usr/bin/python3
"""Deep CNNs as deployed (issue 16): each model and batch in a fresh process, ours
(build/bench/big_models_bench, keras::applications builders) beside torchvision's same
architecture (random weights, eval mode, no_grad), both with the same thread count.
Prints the first call's time, the steady time and the peak resident memory of the whole
process (interpreter and libraries included: what a user's process costs), each with the
ratio torch / ours (above 1: we are faster or smaller).

Each side runs --repeats fresh processes (default 3) and each number is their median:
on this VM a fresh process's first call varies 3x from run to run (page faults; one run
in three or so is slow), so one sample per side said little.

Usage: /usr/bin/python3 bench/big_models.py [--threads N] [--models ...] [--batches ...] [--repeats N]
"""
import argparse
import os
import statistics
import resource
import subprocess
import sys
import time

from bench_common import ROOT, median_ms

SIDES = {"inceptionv3": 299, "resnet50": 224, "mobilenetv2": 224}


def torch_child(name, batch, threads, channels_last):
    """Runs in its own process: prints the same keys as big_models_bench."""
    import torch
    import torchvision

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    t = time.perf_counter()
    if name == "inceptionv3":
        model = torchvision.models.inception_v3(aux_logits=False, init_weights=True)
    else:
        model = {"resnet50": torchvision.models.resnet50, "mobilenetv2": torchvision.models.mobilenet_v2}[name]()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.eval().to(memory_format=fmt)
    print(f"build_ms {(time.perf_counter() - t) * 1e3:.3f}")
    side = SIDES[name]
    x = (torch.rand(batch, 3, side, side) * 255).contiguous(memory_format=fmt)

    def predict():
        with torch.no_grad():
            model(x)

    t = time.perf_counter()
    predict()
    print(f"first_ms {(time.perf_counter() - t) * 1e3:.3f}")
    print(f"steady_ms {median_ms(predict, 0, 3 if batch > 4 else 10):.3f}")
    print(f"peak_rss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


def run(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return {k: float(v) for k, v in (line.split() for line in res.stdout.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--models", nargs="*", default=list(SIDES))
    ap.add_argument("--batches", type=int, nargs="*", default=[1, 16])
    ap.add_argument("--repeats", type=int, default=3, help="fresh processes per side; medians are printed")
    ap.add_argument("--torch-child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_child:
        name, batch, threads, layout = args.torch_child
        return torch_child(name, int(batch), int(threads), layout == "channels_last")
    exe = os.path.join(ROOT, "build", "bench", "big_models_bench")
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: build first (./scripts/build.sh)")
    print(f"machine: {os.cpu_count()} cores; {args.threads} threads each; medians of {args.repeats} fresh processes"
          " per side")
    print(f"\n{'model':12s} {'batch':>5s} | {'first call ms':>22s} | {'steady ms':>22s} | {'peak RSS MB':>22s}")
    print(f"{'':12s} {'':>5s} | {'ours':>7s} {'torch':>7s} {'ratio':>6s} | {'ours':>7s} {'torch':>7s} {'ratio':>6s} |"
          f" {'ours':>7s} {'torch':>7s} {'ratio':>6s}")
    for name in args.models:
        for batch in args.batches:
            def torch_run(layout):
                return run([sys.executable, os.path.abspath(__file__), "--torch-child", name, str(batch),
                            str(args.threads), layout], args.threads)

            ours_runs, torch_runs = [], {}
            for layout in ("channels_last", "default"):  # torch's faster layout, then its repeats
                torch_runs[layout] = [torch_run(layout)]
            layout = min(torch_runs, key=lambda k: torch_runs[k][0]["steady_ms"])
            for i in range(args.repeats):  # alternate the sides so drift hits both
                ours_runs.append(run([exe, "--threads", str(args.threads), "--model", name, "--batch", str(batch)],
                                     args.threads))
                if i > 0:
                    torch_runs[layout].append(torch_run(layout))
            ours = {k: statistics.median(r[k] for r in ours_runs) for k in ours_runs[0]}
            best = {k: statistics.median(r[k] for r in torch_runs[layout]) for k in torch_runs[layout][0]}
            cells = []
            for key in ("first_ms", "steady_ms", "peak_rss_mb"):
                cells.append(f"{ours[key]:7.0f} {best[key]:7.0f} {best[key] / ours[key]:5.2f}x")
            print(f"{name:12s} {batch:5d} | " + " | ".join(cells) + f"   (ours: at most {ours['peak_alloc_mb']:.0f} MB in tensors,"
                  f" {ours['cached_mb']:.0f} MB cached at the end)", flush=True)


if __name__ == "__main__":
    main()
