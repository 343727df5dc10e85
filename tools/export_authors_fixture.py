#!/usr/bin/env python3
"""The SS-CAM authors' reading (PAPER.md, "The `authors` reading") of Score-CAM, SS-CAM (1) and SS-CAM (2),
transcribed step for step in PyTorch, for a model this project trained and ships (models/NAME.pt), as test
fixtures for sscam (core/src/test/resources/NAME/authors/). CI never runs this: the outputs are committed.

It is written from PAPER.md's description of the released code, not from sscam's Java, so it is a second,
independent computation of the same numbers. Per channel k of the target layer's activations A:
  - a channel whose upsampled U(A_k) is constant gets alpha_k = 0 and no forward pass;
  - scores are softmax probabilities of the top-1 class c of X0, no baseline;
  - Score-CAM:  alpha_k = p_c(X0 * s(U(A_k)))
  - SS-CAM (1): x = U(A_k) raw; alpha_k = mean_i p_c(X0 * (x + eps_i)), eps_i of shape HxW,
                std (sigma / (max x - min x))**2
  - SS-CAM (2): m = X0 * s(U(A_k)); alpha_k = mean_i p_c(m + eps_i), eps_i of shape 3xHxW,
                std (sigma / (max m - min m))**2
  - E = s(ReLU(sum_k alpha_k U(A_k))) at input resolution (224x224).
s(.) is the exact min-max; U(.) is F.interpolate(bilinear, align_corners=False).

Exact command (Debian's python3-torch 1.13 / python3-torchvision 0.14):
    /usr/bin/python3 tools/export_authors_fixture.py --name vgg16s --out core/src/test/resources/vgg16s/authors \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG

For each image STEM it writes STEM.input.npy (float32 3x224x224) and STEM.{ScoreCAM,SSCAM1,SSCAM2}.authors.npy
(float32 224x224 in [0,1]), and authors.json with the class explained, N, sigma and the torch seed. The noise
comes from PyTorch's generator, so sscam's SS-CAM maps (its own generator) can match them only in correlation.
"""
import argparse, json, os, sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_modern_fixtures import MEAN, STD, module  # noqa: E402
from export_trained_fixture import trained  # noqa: E402


def minmax(t):
    lo, hi = t.min(), t.max()
    return (t - lo) / (hi - lo)


def probabilities(model, batch, c):
    with torch.no_grad():
        return F.softmax(model(batch), dim=1)[:, c]


def authors_maps(model, x, layer, n, sigma, batch):
    saved = {}
    handle = module(model, layer).register_forward_hook(lambda m, i, o: saved.__setitem__("a", o))
    with torch.no_grad():
        logits = model(x)
    handle.remove()
    c = int(logits[0].argmax())
    up = F.interpolate(saved["a"], size=x.shape[2:], mode="bilinear", align_corners=False)[0]  # K x H x W
    alphas = {"ScoreCAM": [], "SSCAM1": [], "SSCAM2": []}
    for k in range(up.shape[0]):
        u = up[k]
        if u.max() == u.min():
            for v in alphas.values():
                v.append(0.0)
            continue
        h = minmax(u)
        alphas["ScoreCAM"].append(float(probabilities(model, x * h, c)[0]))
        std1 = float((sigma / (u.max() - u.min())) ** 2)
        noisy1 = torch.stack([x[0] * (u + torch.randn_like(u) * std1) for _ in range(n)])
        alphas["SSCAM1"].append(float(torch.cat([probabilities(model, b, c) for b in noisy1.split(batch)]).mean()))
        m = x[0] * h
        std2 = float((sigma / (m.max() - m.min())) ** 2)
        noisy2 = torch.stack([m + torch.randn_like(m) * std2 for _ in range(n)])
        alphas["SSCAM2"].append(float(torch.cat([probabilities(model, b, c) for b in noisy2.split(batch)]).mean()))
    maps = {}
    for name, alpha in alphas.items():
        total = (torch.tensor(alpha, dtype=torch.float64)[:, None, None] * up.double()).sum(0)
        maps[name] = minmax(torch.relu(total)).float().numpy()
    return c, maps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True, help="vit_t16s or vgg16s")
    ap.add_argument("--model", help="its state dict (default: models/NAME.pt)")
    ap.add_argument("--out", required=True)
    ap.add_argument("-N", type=int, default=10)
    ap.add_argument("--sigma", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    ctor, layer, prefix, layout = trained(a.name)
    if layout != "NCHW":
        raise SystemExit("the authors' code reads NCHW convolution maps; " + a.name + " is " + layout)
    weights = a.model or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", a.name + ".pt")
    os.makedirs(a.out, exist_ok=True)
    model = ctor()
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    torch.manual_seed(a.seed)
    runs = []
    for path in a.images:
        stem = os.path.splitext(os.path.basename(path))[0]
        img = np.asarray(Image.open(path).convert("RGB"), np.float32) / 255
        assert img.shape == (224, 224, 3), img.shape
        x_np = ((img - MEAN) / STD).transpose(2, 0, 1).astype(np.float32)
        np.save(os.path.join(a.out, stem + ".input.npy"), x_np)
        c, maps = authors_maps(model, torch.from_numpy(x_np)[None], layer, a.N, a.sigma, a.batch)
        for name, e in maps.items():
            np.save(os.path.join(a.out, f"{stem}.{name}.authors.npy"), e)
        runs.append({"image": os.path.basename(path), "class": c})
        print(stem, "class", c, {k: round(float(v.mean()), 4) for k, v in maps.items()})
    with open(os.path.join(a.out, "authors.json"), "w") as f:
        json.dump({"model": a.name, "layer": layer, "N": a.N, "sigma": a.sigma, "torch_seed": a.seed,
                   "torch": torch.__version__, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
