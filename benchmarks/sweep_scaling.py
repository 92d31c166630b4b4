"""Sweep scaling benchmark: the same 8-run sweep on a local Dask cluster of one worker and of two workers.

Each configuration starts a fresh `distributed.LocalCluster` on 127.0.0.1 (worker processes, one task at a time
each, no dashboard), warms its workers up (imports and data loaded, so start-up is not counted), and times
`bvae.compare.sweep(..., executor=...)` into a fresh temporary cache: every run is trained. Configurations:

    1 worker  x 1 torch thread     the baseline
    1 worker  x 2 torch threads    the same cores given to one run at a time
    2 workers x 1 torch thread     the cores given to two runs at a time

It also times 200 no-op tasks sent one after another through the same executor (the scheduler's round trip per
task), and prints the load average before and after (the machine may be shared). The last two lines are
`scheduler_overhead_ms_per_task: X` (median no-op round trip) and `sweep_speedup: S` (1 worker's wall time divided
by 2 workers', one torch thread each, truncated to 3 decimals).

    nice -n 10 python benchmarks/sweep_scaling.py | tee benchmarks/results/sweep_scaling_cpu.txt
"""
import argparse, logging, math, os, statistics, tempfile, time

import torch, dask, distributed
from distributed import Client, LocalCluster

from bvae.compare import sweep
from bvae.train import TrainConfig


def _warm(cfg:dict):
    "Import what a task imports and load its data, so that the timed sweep does not pay for it."
    from bvae.train import TrainConfig, run_data
    import bvae.compare
    run_data(TrainConfig(**cfg))
    return os.getpid()


def one(n_workers:int, threads:int, cfg:TrainConfig, betas, seeds) -> dict:
    "Wall time and per-run times of the sweep on a fresh local cluster of `n_workers` one-task workers."
    from dataclasses import asdict
    with tempfile.TemporaryDirectory() as cache, \
         LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, host='127.0.0.1', dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, \
         Client(cluster, set_as_default=False) as client:
        client.run(_warm, asdict(cfg))
        ex = client.get_executor()
        t = time.perf_counter()
        runs = sweep(betas, seeds, cfg, progress=False, executor=ex, cache=cache, threads=threads)
        wall = time.perf_counter() - t
        rt = []
        for i in range(200):
            t = time.perf_counter(); ex.submit(int, i).result(); rt.append(time.perf_counter() - t)
    per_run = [r.history[-1]['time'] for r in runs]
    return dict(wall=wall, per_run=per_run, rt_ms=sorted(1000 * x for x in rt), n=len(runs))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n-train', type=int, default=1024, help='training digits per run')
    p.add_argument('--n-test', type=int, default=256, help='test digits per run')
    p.add_argument('--epochs', type=int, default=3)
    a = p.parse_args()
    betas, seeds = (1, 2, 4, 8), (0, 1)
    cfg = TrainConfig(epochs=a.epochs, n_train=a.n_train, n_test=a.n_test, precision='fp32')
    print(f"sweep_scaling: {len(betas) * len(seeds)} runs (β ∈ {set(betas)} × seeds {set(seeds)}) of {cfg.dataset}, "
          f"{cfg.n_train} training / {cfg.n_test} test digits, {cfg.epochs} epochs, batch {cfg.batch_size}, fp32, on the CPU")
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}, dask {dask.__version__}, distributed {distributed.__version__}")
    print("load average before (1, 5, 15 min): " + ', '.join(f'{x:.2f}' for x in os.getloadavg()), flush=True)
    res = {}
    for w, th in ((1, 1), (1, 2), (2, 1)):
        r = res[w, th] = one(w, th, cfg, betas, seeds)
        print(f"{w} worker{'s' if w > 1 else ' '} x {th} torch thread{'s' if th > 1 else ' '}: wall {r['wall']:6.1f} s; "
              f"runs {min(r['per_run']):.1f}–{max(r['per_run']):.1f} s each (sum {sum(r['per_run']):.1f} s); "
              f"load average now {os.getloadavg()[0]:.2f}", flush=True)
    two = res[2, 1]
    idle = (two['wall'] * 2 - sum(two['per_run'])) / two['n'] * 1000
    rt = two['rt_ms']
    print(f"2 workers: wall x workers - sum of run times = {idle:.0f} ms per run (scheduling, idle workers at the end, loading runs)")
    print(f"no-op task round trip, 200 one after another: median {statistics.median(rt):.2f} ms, "
          f"90th percentile {rt[int(0.9 * len(rt))]:.2f} ms, max {rt[-1]:.2f} ms")
    print(f"1 worker x 2 threads vs 1 worker x 1 thread: {res[1, 1]['wall'] / res[1, 2]['wall']:.2f}x")
    print("load average after (1, 5, 15 min): " + ', '.join(f'{x:.2f}' for x in os.getloadavg()))
    print(f"scheduler_overhead_ms_per_task: {statistics.median(rt):.2f}")
    print(f"sweep_speedup: {math.floor(res[1, 1]['wall'] / two['wall'] * 1000) / 1000:.3f}")  # truncated, never rounded up


if __name__ == '__main__':
    main()
