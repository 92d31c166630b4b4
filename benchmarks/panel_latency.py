"""Panel latency: how long `bvae.panel.traverse_panel` takes from a slider change to the new image, in the kernel.

Builds the panel for the notebooks' cached β = 10 and β = 1 runs (or, for any that is not in the cache, an untrained
model: the decoder's cost does not depend on its weights; the script says which), then moves sliders from code, as
the browser's messages would: each move sets one slider's value, which decodes the code, upscales the image and
encodes it as PNG into the panel's image widget. It times every move with a wall clock, across the dimensions, the
runs and the starts, and ends with `panel_update_ms: M`, the median in milliseconds. The browser adds a websocket
round trip on top; the browser test in `nbs/91_browser.ipynb` measures that end to end.

    python benchmarks/panel_latency.py
    python benchmarks/panel_latency.py --moves 2000
"""
import argparse, os, time

import numpy as np

from bvae.model import VAEConfig
from bvae.train import Run, book_config, cache_root, is_done, load_run, new_model, run_name
from bvae.panel import traverse_panel


def book_run(beta: float) -> tuple[Run, str]:
    "The notebooks' cached run for β, or an untrained stand-in."
    path = cache_root()/'runs'/run_name(book_config(beta=beta))
    if is_done(path): return load_run(path), f"β = {beta:g}: trained run {path.name}"
    return Run(new_model(VAEConfig(), 0).eval(), book_config(beta=beta), [], None), f"β = {beta:g}: untrained model (not in the cache)"

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--moves', type=int, default=500, help='slider moves to time')
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    runs, notes = zip(*(book_run(b) for b in (10, 1)))
    print('; '.join(notes))
    t = time.perf_counter()
    panel = traverse_panel({f'β = {r.beta:g}': r for r in runs})
    print(f"panel built in {1000 * (time.perf_counter() - t):.0f} ms; load average {os.getloadavg()[0]:.1f}")
    rng, times = np.random.default_rng(a.seed), []
    for i in range(a.moves):
        if i == a.moves // 2: panel.run_pick.value = panel.run_pick.options[1]      # half the moves on the other run
        if i % 100 == 50: panel.start_pick.value = ['image', 'zero', 'random'][i // 100 % 3]
        s = panel.sliders[rng.integers(len(panel.sliders))]
        v = float(np.round(rng.uniform(-3, 3), 2))
        if abs(v - s.value) < 0.01: v = -v if v else 1.0
        t = time.perf_counter(); s.value = v; times.append(1000 * (time.perf_counter() - t))
    times = np.array(times)
    print(f"{len(times)} slider moves: median {np.median(times):.2f} ms, 90th percentile {np.percentile(times, 90):.2f} ms, "
          f"99th {np.percentile(times, 99):.2f} ms, max {times.max():.1f} ms; PNG {len(panel.image.value):,} bytes")
    print(f"panel_update_ms: {np.median(times):.2f}")

if __name__ == '__main__':
    main()
