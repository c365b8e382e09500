#!/usr/bin/python3
"""Data-parallel training on this machine, ours and PyTorch's, side by side.

For the seed CNN (batch 64) and the text LSTM (Embedding(10000,128) -> LSTM(64) ->
Dense(1), batch 64, length 200), each with Adam, it times a training step as
  1 process x 2 threads   (what one process does with the whole machine)
  2 processes x 1 thread  (data parallel on loopback: ours under mpirun, DataParallel;
                           PyTorch's DistributedDataParallel on gloo, torchrun-style)
with the same global batch, and prints our communication numbers: the gradient's
size, the bytes each process put into all-reduces per step (and what a ring all-reduce
sends for them), buckets per step, and the fraction of all-reduce time hidden behind
backward. Two cores cannot show scaling; the cost model in docs/distributed.md uses these
numbers.

Usage: /usr/bin/python3 bench/data_parallel.py [--steps N] [--repeats N]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, "build", "bench", "data_parallel_bench")
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}


def ours(model, procs, threads, steps, extra=()):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), **MPI_ENV)
    cmd = [EXE, "--model", model, "--threads", str(threads), "--steps", str(steps), *extra]
    if procs > 1:
        cmd = ["mpirun", "-np", str(procs), "--oversubscribe", "--bind-to", "none"] + cmd
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return {k: v for k, v in (line.split() for line in res.stdout.splitlines() if len(line.split()) == 2)}


# ---- PyTorch: the same models; a worker per process, DDP over gloo for two.
TORCH_WORKER = r"""
import os, sys, time, torch, torch.nn as nn, torch.distributed as dist
model_name, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
world = int(os.environ.get("WORLD_SIZE", "1")); rank = int(os.environ.get("RANK", "0"))
torch.set_num_threads(threads); torch.manual_seed(0)
if world > 1: dist.init_process_group("gloo")
class CNN(nn.Module):
    def __init__(s):
        super().__init__(); s.conv = nn.Conv2d(1, 32, 3); s.fc1 = nn.Linear(13 * 13 * 32, 128); s.fc2 = nn.Linear(128, 10)
    def forward(s, x):
        x = torch.max_pool2d(torch.relu(s.conv(x)), 2).flatten(1)
        return s.fc2(torch.relu(s.fc1(x)))
class Text(nn.Module):
    def __init__(s):
        super().__init__(); s.emb = nn.Embedding(10000, 128); s.lstm = nn.LSTM(128, 64, batch_first=True); s.fc = nn.Linear(64, 1)
    def forward(s, ids):
        _, (h, _) = s.lstm(s.emb(ids)); return torch.sigmoid(s.fc(h[-1]))
batch = 64 // world
model = CNN() if model_name == "cnn" else Text()
if world > 1: model = nn.parallel.DistributedDataParallel(model)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
# Fresh rows every step, as ours: one batch over and over drives the gradients into
# denormal floats, which are slow on x86.
n = (steps + 3) * batch
if model_name == "cnn":
    xs = torch.rand(n, 1, 28, 28); ys = torch.randint(0, 10, (n,)); loss_fn = nn.CrossEntropyLoss()
else:
    xs = torch.randint(0, 10000, (n, 200)); ys = (torch.rand(n, 1) > 0.5).float(); loss_fn = nn.BCELoss()
def step(i):
    x, y = xs[i * batch:(i + 1) * batch], ys[i * batch:(i + 1) * batch]
    opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
for i in range(3): step(steps + i)
if world > 1: dist.barrier()
t = time.perf_counter()
for i in range(steps): step(i)
if world > 1: dist.barrier()
if rank == 0: print("step_ms %.3f" % ((time.perf_counter() - t) * 1e3 / steps))
if world > 1: dist.destroy_process_group()
"""


def torch_run(model, procs, threads, steps):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MASTER_ADDR="127.0.0.1", MASTER_PORT="29511")
    env["WORLD_SIZE"] = str(procs)
    ps = []
    for r in range(procs):
        e = dict(env, RANK=str(r), LOCAL_RANK=str(r))
        ps.append(subprocess.Popen([sys.executable, "-c", TORCH_WORKER, model, str(steps), str(threads)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e))
    outs = [p.communicate() for p in ps]
    for p, (o, err) in zip(ps, outs):
        if p.returncode != 0:
            sys.exit(f"PyTorch worker failed:\n{err}")
    return {k: v for k, v in (line.split() for line in outs[0][0].splitlines() if len(line.split()) == 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if not os.path.exists(EXE):
        sys.exit(f"{EXE} not found: build first (./scripts/build.sh)")
    print(f"{'model':6s} {'setup':22s} {'ours ms/step':>13s} {'PyTorch ms/step':>16s} {'ratio':>7s}")
    comm = {}
    for model in ("cnn", "lstm"):
        steps = args.steps if model == "cnn" else max(10, args.steps // 3)
        for procs, threads in ((1, 2), (2, 1)):
            # Alternating fresh processes, the median of `repeats` each: this VM's page
            # faults cost several times more in a process started right after a large
            # one exited, which a single run per side would charge to whoever came second.
            ours_ms, torch_ms = [], []
            for _ in range(args.repeats):
                a = ours(model, procs, threads, steps)
                ours_ms.append(float(a["step_ms"]))
                time.sleep(0.5)
                torch_ms.append(float(torch_run(model, procs, threads, steps)["step_ms"]))
                time.sleep(0.5)
            o, t = statistics.median(ours_ms), statistics.median(torch_ms)
            print(f"{model:6s} {f'{procs} process x {threads} thread':22s} {o:13.2f} {t:16.2f} {t / o:6.2f}x")
            if procs > 1:
                comm[model] = a
        # Smaller buckets start during backward: how much of the all-reduce it hides.
        comm[model + " (1 MiB buckets)"] = ours(model, 2, 1, steps, ["--bucket-kib", "1024"])
    print("\nratio: PyTorch's time / ours (above 1: we are faster)\n")
    for model, a in comm.items():
        print(f"{model}: gradient {int(a['gradient_bytes']) / 2**20:.2f} MiB; reduced per step "
              f"{float(a['reduced_bytes_per_step']) / 2**20:.2f} MiB (a ring sends "
              f"{float(a['sent_bytes_per_step_ring']) / 2**20:.2f} MiB per process); "
              f"{float(a['buckets_per_step']):.1f} buckets/step, {100 * float(a['buckets_started_in_backward']):.0f}% "
              f"started during backward; all-reduce {float(a['allreduce_ms_per_step']):.2f} ms/step, waited "
              f"{float(a['wait_ms_per_step']):.2f} ms: {100 * float(a['hidden_fraction']):.0f}% hidden")


if __name__ == "__main__":
    main()
