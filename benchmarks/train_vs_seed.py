"""Training benchmark: the seed notebook's training path against bvae's, in one process, on the same data.

The seed path is reproduced faithfully: a torchvision-style dataset that turns every uint8 image into a PIL image and
back through `ToTensor`, a `DataLoader` with batch 32, shuffling, two worker processes and `pin_memory`, the seed's
`BVAE` with numpy noise copied to the device, its `criterion`, Adam at its default rate, and `loss.item()` plus a
tqdm postfix every step. bvae's path is `bvae.train.fit` with its defaults (in-memory batches, torch noise, no
per-step host sync, channels-last, bf16 autocast where the hardware has it, a warmed-up cosine schedule).

It prints images/s for each at batch 32, then the wall time each needs to reach the test loss (the β-objective,
recon + β·KL, on the held-out split) that the seed's recipe reaches after 10 epochs, over several seeds on each side
(three by default). The target is the mean of the seed runs' final test losses; every time includes evaluation: the
seed's one test pass at the end, and bvae's test pass after every epoch up to the one that reaches the target. bvae is
timed twice: with a cosine schedule of 8 epochs, short enough to end near the target (the setting this benchmark was
first tuned with), and with the library's defaults (`TrainConfig()`: 12 epochs), which decay more slowly.

Its last lines are `throughput_ratio: R`, `time_to_quality_ratio: R` (the tuned schedule) and
`time_to_quality_ratio_default: R`: the seed's mean time over bvae's mean time, with the ratios of single pairs
of runs (seed run i against bvae run i) as the spread.

    python benchmarks/train_vs_seed.py                         # embedded digits, CPU
    python benchmarks/train_vs_seed.py --dataset fashion-mnist --device cuda
"""
import argparse, sys, time

import numpy as np
import torch, torchvision, tqdm
import torch.nn.functional as F
from PIL import Image
from torch import nn

from bvae.data import ImageData
from bvae.train import TrainConfig, evaluate, fit, new_model, run_data
from bvae.model import VAEConfig


# ---- the seed notebook's code, as it is (only `device` passed in instead of a global) --------------------------
class SeedMNIST(torch.utils.data.Dataset):
    "torchvision.datasets.MNIST's __getitem__: a uint8 tensor → PIL image → transform."
    def __init__(self, x, y, transform): self.data, self.targets, self.transform = x[:, 0], y, transform
    def __len__(self): return len(self.data)
    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy(), mode="L")
        return self.transform(img), target

class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self._shape = tuple(shape)
    def forward(self, x): return x.view(-1, *self._shape)

class BVAE(nn.Module):
    def __init__(self, latent_dim, device):
        super().__init__()
        self._latent_dim, self._device = latent_dim, device
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 64, stride=2, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 256, stride=2, kernel_size=3, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(7 * 7 * 256, latent_dim * 2))
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 7 * 7 * 128), Reshape(128, 7, 7),
            nn.ConvTranspose2d(128, 256, kernel_size=3, stride=2, padding=1, output_padding=0), nn.ReLU(),
            nn.ConvTranspose2d(256, 64, kernel_size=3, stride=2, padding=0, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, kernel_size=3, stride=1, padding=1, output_padding=0))
    def forward(self, x):
        mean, logvar = self.encode(x)
        assert mean.shape == logvar.shape
        z = self.reparam(mean, logvar)
        return self.decode(z), mean, logvar
    def reparam(self, mean, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.from_numpy(np.random.normal(0, 1, mean.shape)).to(self._device, dtype=torch.float32)
        return eps * std + mean
    def encode(self, x): return torch.split(self.encoder(x), self._latent_dim, dim=1)
    def decode(self, z): return self.decoder(z)

def criterion(xh, x, mean, logvar, beta):
    pxz = F.binary_cross_entropy_with_logits(xh, x, reduction='sum')
    kl = -0.5 * (1 + logvar - mean ** 2 - torch.exp(logvar)).sum()
    return (pxz + beta * kl) / x.shape[0]

def train_model(model, optimiser, train, beta, epochs, device):
    model.train()
    tepochs = tqdm.trange(epochs, file=sys.stdout)
    losses = []
    for e in tepochs:
        elosses = []
        for x, _ in train:
            x = x.to(device)
            logits, mean, logvar = model(x)
            loss = criterion(logits, x, mean, logvar, beta)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            elosses.append(loss.item())
            tepochs.set_postfix(loss=elosses[-1])
        losses.append(np.mean(elosses))
    return losses
# ------------------------------------------------------------------------------------------------------------------

def test_objective(model, data:ImageData, beta:float) -> float:
    "recon + β·KL on the test split (nats per image), measured by bvae's evaluator on either model."
    wrapper = new_model(VAEConfig(), 0).to(next(model.parameters()).device)
    wrapper.load_state_dict(model.state_dict())
    h = evaluate(wrapper, data.test)
    return h['test_recon'] + beta * h['test_kl']

def seed_run(data, a, dev, seed):
    "The seed's recipe, exactly: 10 epochs, batch 32. Returns seconds (training and one test pass) and the test loss."
    torch.manual_seed(seed); np.random.seed(seed)
    loader = torch.utils.data.DataLoader(SeedMNIST(data.train.x, data.train.y, torchvision.transforms.ToTensor()),
                                         batch_size=32, shuffle=True, num_workers=2, pin_memory=dev.type == 'cuda')
    model = BVAE(16, dev).to(dev)
    opt = torch.optim.Adam(model.parameters())
    t = time.time()
    train_model(model, opt, loader, a.beta, a.epochs, dev)
    loss = test_objective(model, data, a.beta)
    if dev.type == 'cuda': torch.cuda.synchronize()
    return time.time() - t, loss

def bvae_time(data, cfg, dev, target):
    "Wall time (training and every epoch's test pass) until bvae's test loss first reaches `target`; nan if it never does."
    h = fit(new_model(VAEConfig(), cfg.seed), data, cfg, device=dev, progress=False)
    losses = [e['test_recon'] + cfg.beta * e['test_kl'] for e in h]
    hit = next((e for e, l in zip(h, losses) if l <= target), None)
    print(f"bvae:  seed {cfg.seed}, lr {cfg.lr:g} {cfg.schedule}, {cfg.epochs} epochs; test loss per epoch: " + ', '.join(f'{l:.1f}' for l in losses)
          + (f"; reached {target:.2f} at epoch {hit['epoch']} after {hit['time']:.1f} s" if hit else f"; never reached {target:.2f}"), flush=True)
    return hit['time'] if hit else float('nan')

def ratio_line(name, seed_times, times):
    st, bt = np.array(seed_times), np.array(times)
    pairs = st / bt
    print(f"{name}: seed {st.mean():.1f} ± {st.std(ddof=1):.1f} s, bvae {np.nanmean(bt):.1f} ± {np.nanstd(bt, ddof=1):.1f} s; "
          f"single pairs {np.nanmin(pairs):.2f}–{np.nanmax(pairs):.2f}", flush=True)
    return st.mean() / bt.mean()

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='mnist-embedded', help='mnist-embedded (default), mnist or fashion-mnist')
    p.add_argument('--beta', type=float, default=10.0, help="β of both runs (default: the seed's first model, 10)")
    p.add_argument('--epochs', type=int, default=10, help="the seed recipe's epochs (default 10)")
    p.add_argument('--bvae-epochs', type=int, default=8, help="epochs of bvae's tuned cosine schedule (default 8)")
    p.add_argument('--seeds', type=int, default=3, help='runs on each side, seeds 0, 1, … (default 3)')
    p.add_argument('--device', default='cpu', help='cpu (default) or cuda')
    a = p.parse_args()
    dev = torch.device(a.device)
    data = run_data(TrainConfig(dataset=a.dataset))
    n = len(data.train)
    print(f"data: {a.dataset}, {n:,} train / {len(data.test):,} test images; β = {a.beta:g}; device: {dev}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads; {a.seeds} seeds on each side", flush=True)

    seeds = [seed_run(data, a, dev, s) for s in range(a.seeds)]
    for s, (t, l) in enumerate(seeds): print(f"seed:  seed {s}, {a.epochs} epochs in {t:.1f} s = {a.epochs * n / t:,.0f} images/s; test loss {l:.2f}", flush=True)
    seed_times = [t for t, _ in seeds]
    target = float(np.mean([l for _, l in seeds]))
    seed_ips = a.epochs * n / np.mean(seed_times)
    print(f"target: the seed runs' mean test loss after {a.epochs} epochs, {target:.2f} (SD {np.std([l for _, l in seeds], ddof=1):.2f})", flush=True)

    cfg32 = TrainConfig(dataset=a.dataset, beta=a.beta, batch_size=32, epochs=2, seed=0)
    h = fit(new_model(VAEConfig(), 0), data, cfg32, device=dev, progress=False)
    bvae_ips = 2 * n / h[-1]['train_time']
    print(f"bvae:  batch 32, {cfg32.epochs} epochs at {bvae_ips:,.0f} images/s (training steps only)", flush=True)

    tuned = [bvae_time(data, TrainConfig(dataset=a.dataset, beta=a.beta, epochs=a.bvae_epochs, seed=s), dev, target) for s in range(a.seeds)]
    default = [bvae_time(data, TrainConfig(dataset=a.dataset, beta=a.beta, seed=s), dev, target) for s in range(a.seeds)]
    r_tuned = ratio_line(f"time to {target:.2f}, tuned ({a.bvae_epochs}-epoch cosine)", seed_times, tuned)
    r_default = ratio_line(f"time to {target:.2f}, library defaults ({TrainConfig().epochs}-epoch cosine)", seed_times, default)
    print(f"throughput_ratio: {bvae_ips / seed_ips:.2f}")
    print(f"time_to_quality_ratio: {r_tuned:.2f}")
    print(f"time_to_quality_ratio_default: {r_default:.2f}")

if __name__ == '__main__': main()
