#!/usr/bin/python3
"""Mixed precision: a ResNet-style block in float32 and in bfloat16, ours and PyTorch's.

Runs build/bench/mixed_precision_bench (the dtype policies "float32" and
"mixed_bfloat16"), then the same block in PyTorch (Debian's python3-torch) in float32
and under torch.autocast(device_type="cpu", dtype=torch.bfloat16), channels_last (its
fast oneDNN path), and prints each time with two ratios: ours against PyTorch in the
same precision (above 1: we are faster), and our bfloat16 against our float32.

The block: Conv3x3(64, no bias)-BN-ReLU-Conv3x3(64)-BN-Add(input)-ReLU on a (32, 64, 32,
32) batch; one SGD step on an MSE loss, and one inference forward.

Usage: /usr/bin/python3 bench/mixed_precision.py [--threads N] [--torch-threads N ...]
"""
import contextlib

import torch
import torch.nn as nn

from bench_common import median_ms, run_ours, thread_args


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(64, eps=1e-3, momentum=0.01)
        self.c2 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(64, eps=1e-3, momentum=0.01)

    def forward(self, x):
        h = torch.relu(self.b1(self.c1(x)))
        return torch.relu(self.b2(self.c2(h)) + x)


def torch_bench(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    fmt = torch.channels_last
    x = torch.randn(32, 64, 32, 32).contiguous(memory_format=fmt)
    y = torch.zeros(32, 64, 32, 32).contiguous(memory_format=fmt)
    out = {}
    for tag, bf16 in (("fp32", False), ("bf16", True)):
        def autocast():
            return torch.autocast(device_type="cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()

        block = Block().to(memory_format=fmt)
        opt = torch.optim.SGD(block.parameters(), lr=0.01)

        def train_step():
            opt.zero_grad()
            with autocast():
                loss = nn.functional.mse_loss(block(x).float(), y)
            loss.backward()
            opt.step()

        def infer():
            with torch.no_grad(), autocast():
                block(x)

        out[f"resnet_block_train_step_{tag}"] = median_ms(train_step, 2, 10)
        block.eval()
        out[f"resnet_block_inference_{tag}"] = median_ms(infer, 2, 10)
    return out


def main():
    args = thread_args(__doc__).parse_args()
    torch_threads = args.torch_threads or [args.threads]
    ours = run_ours("mixed_precision_bench", args.threads)
    runs = {f"torch {t}t": torch_bench(t) for t in torch_threads}
    names = list(runs)
    print(f"\n{'workload (ms)':34s} {'ours':>9s} " + " ".join(f"{n:>10s}" for n in names)
          + f" {'vs torch':>9s} {'bf16/fp32':>10s}")
    for k in ("resnet_block_train_step", "resnet_block_inference"):
        for tag in ("fp32", "bf16"):
            key = f"{k}_{tag}"
            best = min(runs[n][key] for n in names)
            speedup = ours[f"{k}_fp32"] / ours[key]
            print(f"{key:34s} {ours[key]:9.2f} " + " ".join(f"{runs[n][key]:10.2f}" for n in names)
                  + f" {best / ours[key]:8.2f}x {speedup:9.2f}x")
    print("\nvs torch: PyTorch's fastest time / ours in the same precision (above 1: we are faster); "
          "bf16/fp32: our float32 time / this row's")


if __name__ == "__main__":
    main()
