#!/usr/bin/python3
"""keras.applications models in this library and the same architectures in torchvision.

Runs build/bench/applications_bench (ResNet50, MobileNetV2, EfficientNetB0, DenseNet121 at
224x224: batch-1 latency, batch-32 inference, a batch-16 SGD training step), then the
torchvision models (Debian's python3-torchvision, random weights) in both memory formats
and every thread count asked for, and prints each time with the ratio against the
fastest PyTorch configuration (above 1: we are faster).

Usage: /usr/bin/python3 bench/applications.py [--threads N] [--torch-threads N ...] [--models ...]
"""
import argparse
import os
import subprocess
import sys

import torch
import torch.nn as nn
import torchvision

from bench_common import ROOT, median_ms

TORCHVISION = {
    "resnet50": torchvision.models.resnet50,
    "mobilenetv2": torchvision.models.mobilenet_v2,
    "efficientnetb0": torchvision.models.efficientnet_b0,
    "densenet121": torchvision.models.densenet121,
}


def torch_bench(name, threads, channels_last):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = TORCHVISION[name]().to(memory_format=fmt)
    x1 = (torch.rand(1, 3, 224, 224) * 255).contiguous(memory_format=fmt)
    x16 = (torch.rand(16, 3, 224, 224) * 255).contiguous(memory_format=fmt)
    x32 = (torch.rand(32, 3, 224, 224) * 255).contiguous(memory_format=fmt)
    y16 = torch.zeros(16, dtype=torch.long)
    out = {}
    model.eval()

    def predict(x):
        with torch.no_grad():
            model(x)

    out[f"{name}_predict_b1"] = median_ms(lambda: predict(x1), 2, 10)
    out[f"{name}_predict_b32"] = median_ms(lambda: predict(x32), 1, 3)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x16), y16).backward()
        opt.step()

    out[f"{name}_train_step_b16"] = median_ms(step, 1, 3)
    return out


def ours(threads, models):
    exe = os.path.join(ROOT, "build", "bench", "applications_bench")
    if not os.path.exists(exe):
        sys.exit(f"{exe} not found: build first (./scripts/build.sh)")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    res = subprocess.run([exe, "--threads", str(threads), "--models", *models], capture_output=True, text=True,
                         env=env, check=True)
    return {k: float(v) for k, v in (line.split() for line in res.stdout.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--torch-threads", type=int, nargs="*", default=None)
    ap.add_argument("--models", nargs="*", default=list(TORCHVISION))
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}, torchvision {torchvision.__version__}; "
          f"ours with {args.threads} threads (ms, lower is better)", flush=True)
    a = ours(args.threads, args.models)
    print(f"\n{'workload':32s} {'ours':>10s} {'best torch':>11s} {'setting':>24s} {'ratio':>8s}", flush=True)
    for m in args.models:
        runs = {}
        for tt in args.torch_threads or [args.threads]:
            for cl in (False, True):
                runs[f"{'channels_last' if cl else 'default'} {tt}t"] = torch_bench(m, tt, cl)
        for k in (f"{m}_predict_b1", f"{m}_predict_b32", f"{m}_train_step_b16"):
            best = min(runs, key=lambda n: runs[n][k])
            print(f"{k:32s} {a[k]:10.1f} {runs[best][k]:11.1f} {best:>24s} {runs[best][k] / a[k]:7.2f}x", flush=True)


if __name__ == "__main__":
    main()
