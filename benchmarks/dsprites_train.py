"""dSprites training benchmark: bvae's path against the way public repositories train it, in one process.

The common path (as in the public β-VAE re-implementations on dSprites): the images pre-rendered as float32 in a
`TensorDataset`, a `torch.utils.data.DataLoader` with batch 64 and shuffling, `model.train()`, fp32, Adam, the
Bernoulli reconstruction (BCE with logits summed over the pixels of an image, averaged over the batch) + β·KL, and
`loss.item()` every step. bvae's path is `bvae.train.fit` on `bvae.dsprites`' lazy split: every batch rendered on the
fly in a background thread, no per-step host sync, channels-last, bf16 autocast where the hardware has it.

Both train the same Burgess et al. (2018) network (`dsprites_config`'s architecture) for the same number of steps
after a short warm-up, taking turns in blocks of steps so that both see the same load on a shared machine. It prints images/s for each (bvae's includes rendering its data; the common path's images
were rendered beforehand and are not counted), a profile of bvae's step (rendering time per batch against the model
step), and last `dsprites_train_ratio: R`, bvae's images/s over the common path's.

    python benchmarks/dsprites_train.py              # 200 steps each, in 4 turns, CPU
    python benchmarks/dsprites_train.py --steps 100 --rounds 2
"""
import argparse, time
from dataclasses import replace

import torch
import torch.nn.functional as F

from bvae.data import ImageData, Split
from bvae.dsprites import N_IMAGES, DSpritesTrain, dsprites_config, factors_of, render
from bvae.train import fit, new_model, use_bf16


def common_loop(model, loader, opt, beta, steps):
    "The usual loop: fp32, loss.item() every step, for `steps` steps."
    model.train()
    done = 0
    for x, _ in loader:
        logits, mean, logvar = model(x)
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction='sum') / x.shape[0]
        kl = (-0.5 * (1 + logvar - mean ** 2 - logvar.exp())).sum(1).mean()
        loss = recon + beta * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        done += 1
        if done == steps: return

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--steps', type=int, default=200, help='timed steps of each path (default 200)')
    p.add_argument('--warmup', type=int, default=20, help='untimed steps before (default 20)')
    p.add_argument('--rounds', type=int, default=4, help='turns each path takes, steps/rounds steps a turn (default 4)')
    p.add_argument('--beta', type=float, default=4.0)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    cfg, mc = dsprites_config(a.beta, a.seed)
    bs, dev = cfg.batch_size, torch.device('cpu')
    print(f"dSprites, Burgess network (D = {mc.latent_dim}), batch {bs}, {a.steps} timed steps after {a.warmup}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads; bvae bf16 autocast: {use_bf16(cfg.precision, dev)}", flush=True)
    pool = torch.randperm(N_IMAGES, generator=torch.Generator().manual_seed(a.seed))
    test_f = factors_of(pool[:bs])
    test = Split(render(test_f), test_f)  # fit evaluates once per epoch: one batch, not timed

    # the common path: pre-rendered float images, DataLoader, fp32, loss.item() every step
    n = (a.warmup + a.steps) * bs
    f = factors_of(pool[bs:bs + n])
    ds = torch.utils.data.TensorDataset(render(f).float().div_(255), f)
    loader = torch.utils.data.DataLoader(ds, batch_size=bs, shuffle=True, generator=torch.Generator().manual_seed(a.seed))
    torch.manual_seed(a.seed)
    common = new_model(mc, a.seed)
    opt = torch.optim.Adam(common.parameters(), lr=cfg.lr)
    # bvae: fit on the lazy split, rendering every batch on the fly (one `fit` call per block of steps)
    train, ours = DSpritesTrain(pool[bs:]), new_model(mc, a.seed)
    common_loop(common, loader, opt, a.beta, a.warmup)
    fit(ours, ImageData('dsprites', train[:a.warmup * bs], test), replace(cfg, epochs=1), device=dev, progress=False)
    # the two paths take turns, a block of steps each, so both see the same load on a shared machine
    common_s = bvae_s = 0.
    for r in range(a.rounds):
        k = a.steps // a.rounds
        t = time.time(); common_loop(common, loader, opt, a.beta, k); common_s += time.time() - t
        h = fit(ours, ImageData('dsprites', train[:k * bs], test), replace(cfg, epochs=1, seed=a.seed + 1 + r), device=dev, progress=False)
        bvae_s += h[-1]['train_time']
        print(f"round {r + 1}: common {k * bs * (r + 1) / common_s:,.1f} images/s, bvae {k * bs * (r + 1) / bvae_s:,.1f} images/s so far", flush=True)
    steps = a.rounds * (a.steps // a.rounds)
    common_ips, bvae_ips = steps * bs / common_s, steps * bs / bvae_s
    print(f"common: {steps} steps in {common_s:.1f} s = {common_ips:,.1f} images/s (fp32, DataLoader over pre-rendered images)")
    print(f"bvae:   {steps} steps in {bvae_s:.1f} s = {bvae_ips:,.1f} images/s (rendering included)", flush=True)

    # 3) where bvae's time goes: rendering one batch against one training step
    idx = [pool[bs + i * bs: bs + (i + 1) * bs] for i in range(50)]
    t = time.time()
    for i in idx: render(factors_of(i))
    render_ms = (time.time() - t) / len(idx) * 1e3
    print(f"profile: rendering a batch of {bs} takes {render_ms:.2f} ms (in a background thread), "
          f"a bvae training step {bvae_s / steps * 1e3:.0f} ms, a common step {common_s / steps * 1e3:.0f} ms")
    print(f"dsprites_train_ratio: {bvae_ips / common_ips:.2f}")

if __name__ == '__main__': main()
