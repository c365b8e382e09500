#!/usr/bin/python3
"""Recurrent workloads in this library and in PyTorch, side by side.

Runs build/bench/rnn_bench, then the same workloads in PyTorch (Debian's python3-torch)
at every thread count asked for, and prints each time with the ratio against the
fastest PyTorch run (above 1: we are faster).

  text_classifier_train_step  Embedding(10000, 128) -> LSTM(64) -> Dense(1, sigmoid),
                              batch 64, length 200: forward, backward, Adam step
  text_classifier_predict     the same model, inference on one batch
  gru_seq_fwd_bwd             GRU(128) returning sequences on (64, 100, 32), forward + backward

Usage: /usr/bin/python3 bench/rnn.py [--threads N] [--torch-threads N ...]
"""
import os

import torch

import torch.nn as nn

from bench_common import median_ms, print_times, run_ours, thread_args





class TextClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10000, 128)
        self.lstm = nn.LSTM(128, 64, batch_first=True)
        self.dense = nn.Linear(64, 1)

    def forward(self, ids):
        _, (h, _) = self.lstm(self.embedding(ids))
        return torch.sigmoid(self.dense(h[-1]))


def torch_bench(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    model = TextClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(0, 10000, (64, 200))
    y = (torch.rand(64, 1) > 0.5).float()
    loss_fn = nn.BCELoss()

    def train_step():
        opt.zero_grad()
        loss = loss_fn(model(ids), y)
        loss.backward()
        opt.step()

    out["text_classifier_train_step"] = median_ms(train_step, 2, 10)

    def predict():
        with torch.inference_mode():
            model(ids)

    out["text_classifier_predict"] = median_ms(predict, 2, 10)

    gru = nn.GRU(32, 128, batch_first=True)
    x = torch.randn(64, 100, 32, requires_grad=True)

    def gru_step():
        gru.zero_grad()
        x.grad = None
        gru(x)[0].sum().backward()

    out["gru_seq_fwd_bwd"] = median_ms(gru_step, 2, 10)
    return out


def ours(threads):
    return run_ours("rnn_bench", threads)


KEYS = ("text_classifier_train_step", "text_classifier_predict", "gru_seq_fwd_bwd")


def main():
    args = thread_args(__doc__).parse_args()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}; ours with {args.threads} threads (ms, lower is better)",
          flush=True)
    a = ours(args.threads)
    print_times(a, {f"torch {tt}t": torch_bench(tt) for tt in (args.torch_threads or [args.threads])}, KEYS)


if __name__ == "__main__":
    main()
