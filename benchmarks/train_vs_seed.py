"""Training benchmark: the seed notebook's training path against bvae's, in one process, on the same data.

The seed path is reproduced faithfully: a torchvision-style dataset that turns every uint8 image into a PIL image and
back through `ToTensor`, a `DataLoader` with batch 32, shuffling, two worker processes and `pin_memory`, the seed's
`BVAE` with numpy noise copied to the device, its `criterion`, Adam at its default rate, and `loss.item()` plus a
tqdm postfix every step. bvae's path is `bvae.train.fit` with its defaults (in-memory batches, torch noise, no
per-step host sync, channels-last, bf16 autocast where the hardware has it, a warmed-up cosine schedule).

It prints images/s for each at batch 32, then the wall time each needs to reach the test loss (the β-objective,
recon + β·KL, on the held-out split) that the seed's recipe reaches after 10 epochs. Its last two lines are
`throughput_ratio: R` and `time_to_quality_ratio: R`, each the seed's figure divided by bvae's (for throughput:
bvae's images/s over the seed's).

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

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='mnist-embedded', help='mnist-embedded (default), mnist or fashion-mnist')
    p.add_argument('--beta', type=float, default=10.0, help="β of both runs (default: the seed's first model, 10)")
    p.add_argument('--epochs', type=int, default=10, help="the seed recipe's epochs (default 10)")
    p.add_argument('--bvae-epochs', type=int, default=8, help="epochs of bvae's run for time to quality (default 8)")
    p.add_argument('--device', default='cpu', help='cpu (default) or cuda')
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    dev = torch.device(a.device)
    data = run_data(TrainConfig(dataset=a.dataset))
    n = len(data.train)
    print(f"data: {a.dataset}, {n:,} train / {len(data.test):,} test images; β = {a.beta:g}; device: {dev}; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)

    # 1) the seed's recipe, exactly: 10 epochs, batch 32
    torch.manual_seed(a.seed); np.random.seed(a.seed)
    loader = torch.utils.data.DataLoader(SeedMNIST(data.train.x, data.train.y, torchvision.transforms.ToTensor()),
                                         batch_size=32, shuffle=True, num_workers=2, pin_memory=dev.type == 'cuda')
    seed_model = BVAE(16, dev).to(dev)
    opt = torch.optim.Adam(seed_model.parameters())
    t = time.time()
    train_model(seed_model, opt, loader, a.beta, a.epochs, dev)
    if dev.type == 'cuda': torch.cuda.synchronize()
    seed_time = time.time() - t
    target = test_objective(seed_model, data, a.beta)
    seed_ips = a.epochs * n / seed_time
    print(f"seed:  {a.epochs} epochs in {seed_time:.1f} s = {seed_ips:,.0f} images/s; test loss after {a.epochs} epochs: {target:.2f}", flush=True)

    # 2) bvae's path at the seed's batch size, same β: throughput
    cfg32 = TrainConfig(dataset=a.dataset, beta=a.beta, batch_size=32, epochs=2, seed=a.seed)
    h = fit(new_model(VAEConfig(), a.seed), data, cfg32, device=dev, progress=False)
    bvae_ips = 2 * n / h[-1]['train_time']
    print(f"bvae:  batch 32, {cfg32.epochs} epochs at {bvae_ips:,.0f} images/s (training steps only)", flush=True)

    # 3) bvae's default recipe: time until its test loss first reaches the seed's
    cfg = TrainConfig(dataset=a.dataset, beta=a.beta, epochs=a.bvae_epochs, seed=a.seed)
    h = fit(new_model(VAEConfig(), a.seed), data, cfg, device=dev, progress=False)
    losses = [e['test_recon'] + a.beta * e['test_kl'] for e in h]
    hit = next((e for e, l in zip(h, losses) if l <= target), None)
    print(f"bvae:  recipe batch {cfg.batch_size}, lr {cfg.lr:g} {cfg.schedule}, {cfg.epochs} epochs; test loss per epoch: "
          + ', '.join(f'{l:.1f}' for l in losses), flush=True)
    if hit is None:
        print(f"bvae did not reach the seed's test loss {target:.2f} within {cfg.epochs} epochs")
        ttq = float('nan')
    else:
        ttq = seed_time / hit['train_time']
        print(f"time to the seed's test loss {target:.2f}: seed {seed_time:.1f} s, bvae {hit['train_time']:.1f} s (epoch {hit['epoch']})")
    print(f"throughput_ratio: {bvae_ips / seed_ips:.2f}")
    print(f"time_to_quality_ratio: {ttq:.2f}")

if __name__ == '__main__': main()
