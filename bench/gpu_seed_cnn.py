#!/usr/bin/python3
"""The seed CNN on the GPU in PyTorch's CUDA build, beside our seed_cnn_bench --device cuda.

Debian has no CUDA PyTorch, so this runs where one is installed (the GPU machine
scripts/gpu_check.sh runs on) and exits 0 with a note elsewhere. It measures what
seed_cnn_bench prints, with the same recipe (Adam, batch 32 and 128, host data moved per
batch, channels-last), plus the batch-32 training step alone, eager and captured as a
CUDA graph (the launch-bound floor the issue aims at). With --ours FILE (seed_cnn_bench's
"name value" lines) it prints each ratio: PyTorch time / ours (above 1: we are faster),
ours / PyTorch for throughputs.

Usage: python3 bench/gpu_seed_cnn.py [--data DIR] [--ours FILE]
"""
import argparse
import gzip
import os
import statistics
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn as nn
except ImportError:
    torch = None


def load(data, name, offset, shape):
    with gzip.open(os.path.join(data, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


def model_on(device):
    m = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(32 * 13 * 13, 128), nn.ReLU(), nn.Linear(128, 10))
    return m.to(device).to(memory_format=torch.channels_last)


def sync():
    torch.cuda.synchronize()


def bench(data):
    dev = torch.device("cuda")
    torch.backends.cudnn.benchmark = True
    # Full float32, as ours (no TF32 in convolutions or matmuls).
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(0)
    x_train = torch.from_numpy(load(data, "train-images-idx3-ubyte.gz", 16, (60000, 1, 28, 28)).astype(np.float32) / 255)
    y_train = torch.from_numpy(load(data, "train-labels-idx1-ubyte.gz", 8, (60000,)).astype(np.int64))
    x_test = torch.from_numpy(load(data, "t10k-images-idx3-ubyte.gz", 16, (10000, 1, 28, 28)).astype(np.float32) / 255)
    out = {}
    for batch in (32, 128):
        model = model_on(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()

        def epoch(n):
            perm = torch.randperm(n)
            correct = torch.zeros((), device=dev)
            for i in range(0, n, batch):
                idx = perm[i:i + batch]
                xb = x_train[idx].to(dev, non_blocking=True).contiguous(memory_format=torch.channels_last)
                yb = y_train[idx].to(dev, non_blocking=True)
                opt.zero_grad(set_to_none=True)
                logits = model(xb)
                loss = loss_fn(logits, yb)
                loss.backward()
                opt.step()
                correct += (logits.argmax(1) == yb).sum()
            return correct.item() / n

        epoch(batch * 4)
        sync()
        t = time.perf_counter()
        acc = epoch(60000)
        sync()
        out[f"train_epoch_b{batch}_s"] = time.perf_counter() - t
        out[f"train_epoch_b{batch}_accuracy"] = acc

    # One training step at batch 32 on data already on the device: eager, then a CUDA graph.
    model = model_on(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, capturable=True)
    loss_fn = nn.CrossEntropyLoss()
    xb = x_train[:32].to(dev).contiguous(memory_format=torch.channels_last)
    yb = y_train[:32].to(dev)

    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(20):
            step()
    torch.cuda.current_stream().wait_stream(side)
    sync()
    t = time.perf_counter()
    for _ in range(500):
        step()
    sync()
    out["train_step_b32_eager_ms"] = (time.perf_counter() - t) * 1e3 / 500
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    for _ in range(20):
        graph.replay()
    sync()
    t = time.perf_counter()
    for _ in range(500):
        graph.replay()
    sync()
    out["train_step_b32_cuda_graph_ms"] = (time.perf_counter() - t) * 1e3 / 500

    model = model_on(dev).eval()
    with torch.no_grad():
        for batch in (32, 256):
            for i in range(0, 512, batch):
                model(x_test[i:i + batch].to(dev))
            best = 1e9
            for _ in range(3):
                sync()
                t = time.perf_counter()
                for i in range(0, 10000, batch):
                    torch.softmax(model(x_test[i:i + batch].to(dev, non_blocking=True)), 1).cpu()
                sync()
                best = min(best, time.perf_counter() - t)
            out[f"predict_b{batch}_images_per_s"] = 10000 / best
        one = x_test[:1]
        for _ in range(200):
            torch.softmax(model(one.to(dev)), 1).cpu()
        times = []
        for _ in range(2000):
            t = time.perf_counter()
            torch.softmax(model(one.to(dev)), 1).cpu()
            times.append((time.perf_counter() - t) * 1e6)
        out["latency_1_image_median_us"] = statistics.median(times)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("KERAS_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--ours", help="seed_cnn_bench --device cuda output")
    args = ap.parse_args()
    if torch is None or not torch.cuda.is_available():
        print("gpu_seed_cnn: no CUDA PyTorch here; skipped")
        return 0
    print(f"PyTorch {torch.__version__}, {torch.cuda.get_device_name()}")
    theirs = bench(args.data)
    ours = {}
    if args.ours:
        for line in open(args.ours):
            parts = line.split()
            if len(parts) == 2:
                try:
                    ours[parts[0]] = float(parts[1])
                except ValueError:
                    pass
    print(f"{'measure':34s} {'ours':>12s} {'pytorch':>12s} {'ratio':>8s}")
    for key, value in theirs.items():
        mine = ours.get(key)
        ratio = ""
        if mine and not key.endswith("accuracy"):
            ratio = f"{(mine / value if key.endswith('per_s') else value / mine):.2f}x"
        print(f"{key:34s} {mine if mine is not None else '-':>12} {value:12.4f} {ratio:>8s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
