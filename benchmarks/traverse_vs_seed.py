"""Traversal benchmark: the seed notebook's `LatentVisualiser` against `bvae.traverse`, in one process, same model, same work.

The work is the seed's: a batch of 32 starting codes drawn from N(0, I) (numpy, seed 231, as the seed), each of the 16
latent dimensions moved by `STEP` = 0.2 for `ITERS` = 100 frames, every frame decoding all 32 codes; one GIF per
dimension and one combined GIF of all dimensions.

The seed path is its code as written: a matplotlib figure per frame, saved as a PNG under a uuid file name,
`imageio.imread` back (keeping only the frames its square-root rule keeps), imageio's GIF writer, and `combine_gifs`
re-reading the 16 GIFs. The only changes: its undefined `rnd_shape` is defined (the code path that needs it is never
taken: the seed always passes `init_latent`), `imageio.v2` is imported explicitly (the same functions, without the
deprecation warning), `combine_gifs` asks for imageio's legacy 'GIF-PIL' reader (the one the seed's imageio used:
today's default v2 reader starts `get_next_data` at the second frame and runs off the end), and it runs in a temporary
working directory that is deleted afterwards.

bvae's path is `traverse` (all 16 × 100 × 32 codes decoded in batched passes of up to 4,096 codes: no_grad,
channels-last, bf16 where the CPU is fast at it), `traversal_frames`/`combine` (tensor ops, PIL labels) and
`gif_bytes` (imageio from uint8 arrays in memory), writing every one of the 100 frames to each GIF.

The model is the cached book run for β = 10 if it is finished, else any finished run in the cache, else an untrained
`BetaVAE` (the decoder's cost does not depend on its weights); the script says which. The last line is
`traversal_ratio: R`, the seed's wall time divided by bvae's.

    python benchmarks/traverse_vs_seed.py
    python benchmarks/traverse_vs_seed.py --iters 20   # a shorter run
"""
import argparse, copy, itertools, os, tempfile, time, typing, uuid
from pathlib import Path

import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
import imageio.v2 as imageio
import numpy as np
import torch, torchvision
from torch import nn

from bvae.model import BetaVAE
from bvae.train import book_config, cache_root, is_done, load_run, run_name
from bvae.traverse import combine, gif_bytes, seed_values, traverse, traversal_frames, value_labels

LATENT_DIM = 2**4
device = torch.device('cpu')
rnd_shape = (32, LATENT_DIM)  # the seed never defines it; only used when no init_latent is given (never, in the seed)


# ---- the seed notebook's code, as it is ------------------------------------------------------------------------
def imshow(fig, img: torch.Tensor, title: str=None):
    img = np.transpose(img.detach().cpu(), axes=(1, 2, 0)).squeeze()
    fig.imshow(img, cmap='gray')
    fig.set_xticks(())
    fig.set_yticks(())
    if title:
        fig.set_title(title)

class LatentVisualiser:
    def __init__(self, model: nn.Module, dim: int=0,
                 init_latent: torch.Tensor=None, width: int=8,
                 height: int=8):
        assert dim < LATENT_DIM
        if init_latent is not None:
            self._rnd = init_latent.clone()
        else:
            self._rnd = torch.from_numpy(np.random.normal(0, 1, rnd_shape)).to(device, dtype=torch.float32)
        self._dim = dim
        self._filenames = []
        self._model = model
        self._width = width
        self._height = height

    def __call__(self, iters: int, step: float, save: str=None):
        crnd = self._rnd.clone()
        for i in range(1, iters + 1):
            crnd[:, self._dim] += step
            with torch.no_grad():
                recon = torch.sigmoid(self._model.decode(crnd))
            fig = plt.figure(figsize=(self._width, self._height))
            ax = fig.add_subplot(111)
            # hacky!: to prevent similar filenames
            filename = f'{uuid.uuid4().hex}.png'
            imshow(ax, torchvision.utils.make_grid(recon),
                   title=f"Dimension {self._dim}: {i * step:0.4f}")
            fig.savefig(filename, bbox_inches='tight')
            self._filenames.append(filename)
            plt.close()
        output_filename = save if save else "_temp.gif"
        assert output_filename.endswith(".gif")
        self._generate_fig(output_filename)
        return output_filename

    def _generate_fig(self, output_filename):
        assert len(self._filenames)
        # taken from https://www.tensorflow.org/tutorials/generative/cvae#generate_a_gif_of_all_the_saved_images
        with imageio.get_writer(output_filename, mode='I') as writer:
            last = -1
            for i, filename in enumerate(self._filenames):
                frame = 2*(i**0.5)
                if round(frame) > round(last): last = frame
                else: continue
                image = imageio.imread(filename)
                writer.append_data(image)
            image = imageio.imread(filename)
            writer.append_data(image)

    @staticmethod
    def combine_gifs(filenames: typing.List[str], output: str, cols: int) -> str:
        assert len(filenames) % cols == 0
        rows = int(len(filenames) / cols)
        gifs = [imageio.get_reader(f, format='GIF-PIL') for f in filenames]  # see the docstring
        frames = gifs[0].get_length()
        assert all(g.get_length() == frames for g in gifs)
        gifs = itertools.cycle(gifs)

        with imageio.get_writer(output, mode='I') as writer:
            for _ in range(frames):
                buf = []
                for row in range(rows):
                    row_buffer = [next(gifs).get_next_data() for _ in range(cols)]
                    buf.append(np.hstack(row_buffer))
                new_image = np.vstack(buf)
                writer.append_data(new_image)
        return output
# ----------------------------------------------------------------------------------------------------------------


def pick_model() -> tuple[BetaVAE, str]:
    "The book's β = 10 run if cached and finished, else any finished cached run, else an untrained model."
    book = cache_root()/'runs'/run_name(book_config(beta=10))
    done = [book] if is_done(book) else sorted(p for p in (cache_root()/'runs').glob('*') if p.is_dir() and is_done(p))
    if done: return load_run(done[0]).model.eval(), f"trained run {done[0].name}"
    torch.manual_seed(0)
    return BetaVAE().eval(), "untrained BetaVAE (no finished run in the cache)"

class TimedDecode:
    "The model, with the time spent in `decode` added up (so the seed's time can be split into decoding and the rest)."
    def __init__(self, model): self.model, self.seconds = model, 0.
    def decode(self, z):
        t = time.perf_counter(); out = self.model.decode(z); self.seconds += time.perf_counter() - t
        return out

def run_seed(model, rnd, iters, step, work: Path) -> tuple[float, float]:
    "The seed's cell: 16 LatentVisualiser GIFs and their combination; its wall time and the part spent decoding."
    old, timed = os.getcwd(), TimedDecode(model)
    os.chdir(work)
    try:
        t = time.perf_counter()
        gifs = [LatentVisualiser(timed, dim=dim, init_latent=rnd)(iters=iters, step=step, save=f"beta10_dim{dim}.gif")
                for dim in range(0, LATENT_DIM)]
        LatentVisualiser.combine_gifs(gifs, "beta10.gif", 2)
        return time.perf_counter() - t, timed.seconds
    finally: os.chdir(old)

def run_bvae(model, rnd, iters, step, scale, out: Path) -> tuple[float, dict]:
    "bvae's traversal of the same codes: decode, compose, encode and write, timed by stage."
    t0 = time.perf_counter()
    values, dims = seed_values(iters, step), list(range(LATENT_DIM))
    pix = traverse(model, rnd, dims, values, relative=True)                      # (16, iters, 32, 1, 28, 28)
    t1 = time.perf_counter()
    cells = traversal_frames(pix, value_labels(dims, values, relative=True), scale)  # (16, iters, h, w)
    t2 = time.perf_counter()
    for d, c in zip(dims, cells): (out/f'dim{d:02d}.gif').write_bytes(gif_bytes(c))
    (out/'all_dims.gif').write_bytes(gif_bytes(combine(cells)))
    t3 = time.perf_counter()
    return t3 - t0, dict(decode=t1 - t0, frames=t2 - t1, gifs=t3 - t2)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--iters', type=int, default=100, help="frames per dimension (the seed's ITERS)")
    p.add_argument('--step', type=float, default=0.2, help="change per frame (the seed's STEP)")
    p.add_argument('--scale', type=int, default=2, help="bvae's upscaling of each 28×28 image (the seed's figures are ~2.6×)")
    a = p.parse_args()
    model, what = pick_model()
    torch.manual_seed(42); np.random.seed(231)  # the seed's seeds
    rnd = torch.from_numpy(np.random.normal(0, 1, size=(32, LATENT_DIM))).to(device, dtype=torch.float32)
    n = LATENT_DIM * a.iters * len(rnd)
    print(f"model: {what}; work: {LATENT_DIM} dims × {a.iters} frames × {len(rnd)} codes = {n:,} decoded images; "
          f"torch threads: {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)/'seed'; work.mkdir()
        t_seed, t_seed_decode = run_seed(model, rnd, a.iters, a.step, work)
        seed_mb = sum(f.stat().st_size for f in work.glob('*.gif')) / 1e6
        kept = len(imageio.mimread(work/'beta10_dim0.gif'))
        print(f"seed: {t_seed:.1f} s ({n / t_seed:.0f} images/s): decode {t_seed_decode:.1f} s, figures, PNGs and GIFs "
              f"{t_seed - t_seed_decode:.1f} s; wrote 17 GIFs, {seed_mb:.1f} MB, {kept} of {a.iters} frames kept per GIF; "
              f"{len(list(work.glob('*.png')))} PNGs left behind in its working folder", flush=True)
        out = Path(d)/'bvae'; out.mkdir()
        t_bvae, parts = run_bvae(copy.deepcopy(model), rnd, a.iters, a.step, a.scale, out)
        bvae_mb = sum(f.stat().st_size for f in out.glob('*.gif')) / 1e6
        print(f"bvae: {t_bvae:.1f} s ({n / t_bvae:.0f} images/s): decode {parts['decode']:.1f} s, frames {parts['frames']:.1f} s, "
              f"GIFs {parts['gifs']:.1f} s; wrote 17 GIFs, {bvae_mb:.1f} MB, all {a.iters} frames per GIF, scale {a.scale}")
    print(f"decoding alone: seed {t_seed_decode:.1f} s, bvae {parts['decode']:.1f} s ({t_seed_decode / parts['decode']:.1f}×); "
          f"everything but decoding: seed {t_seed - t_seed_decode:.1f} s, bvae {t_bvae - parts['decode']:.1f} s "
          f"({(t_seed - t_seed_decode) / (t_bvae - parts['decode']):.0f}×)")
    print(f"traversal_ratio: {t_seed / t_bvae:.1f}")

if __name__ == '__main__':
    main()
