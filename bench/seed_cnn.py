#!/usr/bin/python3
"""The seed CNN in this library and in PyTorch (Debian's python3-torch), side by side.

Runs build/bench/seed_cnn_bench, then the same model, data and recipe in PyTorch with
the same number of threads, and prints each measurement with the ratio
(PyTorch time / our time: above 1 means we are faster).

PyTorch runs in every configuration asked for (threads x memory format: its default
NCHW, and channels_last, which reaches oneDNN's fast convolutions); each ratio is taken
against the fastest of them, so the comparison is with PyTorch at its best here.
Debian's python3-torch uses the system BLAS: install OpenBLAS (libopenblas0-openmp,
scripts/install_deps.sh --bench does) or its Linear layers run on the reference BLAS.

With --precision bf16, ours runs with the dtype policy "mixed_bfloat16" and PyTorch
under torch.autocast(device_type="cpu", dtype=torch.bfloat16), the two libraries' mixed
precision (16-bit compute, float32 weights).

Usage: /usr/bin/python3 bench/seed_cnn.py [--threads N] [--torch-threads N ...] [--formats nchw channels_last]
                                          [--precision fp32|bf16]
"""
import contextlib
import argparse
import gzip
import os
import statistics
import time

import numpy as np
import torch

import torch.nn as nn

from bench_common import ROOT, median_ms, run_ours  # noqa: F401  (ROOT for data paths)

DATA = os.environ.get("KERAS_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def load(name, offset, shape):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


def torch_model():
    # Same layers as Keras's Sequential: Conv2D(32,3,relu) MaxPool Flatten Dense(128,relu) Dense(10).
    # The softmax is folded into the loss (CrossEntropyLoss), the usual PyTorch way.
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * 13 * 13, 128), nn.ReLU(), nn.Linear(128, 10))


def torch_bench(threads, channels_last, bf16=False):
    torch.set_num_threads(threads)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    torch.manual_seed(0)
    x_train = torch.from_numpy(load("train-images-idx3-ubyte.gz", 16, (60000, 1, 28, 28)).astype(np.float32) / 255.0)
    y_train = torch.from_numpy(load("train-labels-idx1-ubyte.gz", 8, (60000,)).astype(np.int64))
    x_test = torch.from_numpy(load("t10k-images-idx3-ubyte.gz", 16, (10000, 1, 28, 28)).astype(np.float32) / 255.0)
    x_train = x_train.contiguous(memory_format=fmt)
    x_test = x_test.contiguous(memory_format=fmt)
    out = {}

    def autocast():
        return torch.autocast(device_type="cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()

    for batch in (32, 128):
        model = torch_model().to(memory_format=fmt)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()

        def epoch(n):
            perm = torch.randperm(n)
            correct = 0
            for i in range(0, n, batch):
                idx = perm[i:i + batch]
                xb, yb = x_train[idx].contiguous(memory_format=fmt), y_train[idx]
                opt.zero_grad()
                with autocast():
                    logits = model(xb)
                    loss = loss_fn(logits, yb)
                loss.backward()
                opt.step()
                correct += (logits.argmax(1) == yb).sum().item()
            return correct / n

        epoch(batch * 4)  # warm-up
        t = time.perf_counter()
        acc = epoch(60000)
        out[f"train_epoch_b{batch}_s"] = time.perf_counter() - t
        out[f"train_epoch_b{batch}_accuracy"] = acc
    model = torch_model().to(memory_format=fmt).eval()
    with torch.no_grad(), autocast():
        for batch in (32, 256):
            for i in range(0, 512, batch):
                model(x_test[i:i + batch])
            best = 1e9
            for _ in range(3):
                t = time.perf_counter()
                for i in range(0, 10000, batch):
                    torch.softmax(model(x_test[i:i + batch]), 1)
                best = min(best, time.perf_counter() - t)
            out[f"predict_b{batch}_images_per_s"] = 10000 / best
        one = x_test[:1]
        for _ in range(200):
            model(one)
        times = []
        for _ in range(2000):
            t = time.perf_counter()
            torch.softmax(model(one), 1)
            times.append((time.perf_counter() - t) * 1e6)
        out["latency_1_image_median_us"] = statistics.median(times)
    return out


def ours(threads, bf16=False):
    return run_ours("seed_cnn_bench", threads, ["--dtype-policy", "mixed_bfloat16"] if bf16 else [])


KEYS = ("train_epoch_b32_s", "train_epoch_b128_s", "predict_b32_images_per_s", "predict_b256_images_per_s",
        "latency_1_image_median_us")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--torch-threads", type=int, nargs="*", default=None,
                    help="thread counts to run PyTorch with (default: the same as ours)")
    ap.add_argument("--formats", nargs="*", default=["nchw", "channels_last"])
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = ap.parse_args()
    bf16 = args.precision == "bf16"
    torch_threads = args.torch_threads or [args.threads]
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}; ours with {args.threads} threads; "
          f"precision {args.precision}", flush=True)
    a = ours(args.threads, bf16)
    runs = {}
    for tt in torch_threads:
        for fmt in args.formats:
            runs[f"torch {fmt} {tt}t"] = torch_bench(tt, fmt == "channels_last", bf16)
            print(f"  ran {fmt} with {tt} threads", flush=True)
    names = list(runs)
    print(f"\n{'measurement':28s} {'ours':>10s} " + " ".join(f"{n:>22s}" for n in names) + f" {'ratio':>8s}")
    for k in KEYS:
        higher_better = k.endswith("per_s")
        vals = [runs[n][k] for n in names]
        best = max(vals) if higher_better else min(vals)
        ratio = (a[k] / best) if higher_better else (best / a[k])
        print(f"{k:28s} {a[k]:10.2f} " + " ".join(f"{v:22.2f}" for v in vals) + f" {ratio:7.2f}x")
    for k in ("train_epoch_b32_accuracy", "train_epoch_b128_accuracy"):
        print(f"{k:28s} {a[k]:10.4f} " + " ".join(f"{runs[n][k]:22.4f}" for n in names))
    print("\nratio: times faster than the fastest PyTorch configuration (its time / ours, or our throughput / its)")


if __name__ == "__main__":
    main()
