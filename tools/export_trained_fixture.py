#!/usr/bin/env python3
"""Reference numbers of a model this project trained and ships (models/NAME.pt), computed in PyTorch,
as test fixtures for sscam (core/src/test/resources/NAME/). CI never runs this: the outputs are
committed, and the tests run models/NAME.onnx in ONNX Runtime against them.

Exact commands (Debian's python3-torch 1.13 / python3-torchvision 0.14):
    /usr/bin/python3 tools/export_trained_fixture.py --name vit_t16s --out core/src/test/resources/vit_t16s \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000007.JPEG
    /usr/bin/python3 tools/export_trained_fixture.py --name vgg16s --out core/src/test/resources/vgg16s \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000007.JPEG

For the I-th image it writes:
  I.input.npy              the preprocessed image, float32 [3,224,224] (pixel/255, ImageNet mean/std;
                           the scenes are 224x224, so no resize)
  I.grad-cam.npy, I.grad-cam++.npy
                           float32 [h,w]: sum_k alpha_k A_k before ReLU and normalisation at the model's
                           target layer, read as pytorch-grad-cam reads it (for the ViT its
                           reshape_transform: class token dropped, 196 tokens as 14x14)
and expected.json: per image its file, every logit and the class explained (the top-1).
"""
import argparse, json, os, sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_modern_fixtures import MEAN, STD, reference_maps  # noqa: E402


def trained(name):
    """The model's constructor, target layer, prefix tokens and layout, from its training script."""
    if name == "vit_t16s":
        import train_vit
        return train_vit.vit_t16s, train_vit.TARGET_LAYER, 1, "tokens"
    if name == "vgg16s":
        import train_vgg16s
        return train_vgg16s.vgg16s, train_vgg16s.TARGET_LAYER, 0, "NCHW"
    raise SystemExit(f"unknown model {name}: vit_t16s or vgg16s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True, help="vit_t16s or vgg16s")
    ap.add_argument("--model", help="its state dict (default: models/NAME.pt)")
    ap.add_argument("--out", required=True)
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    ctor, layer, prefix, layout = trained(a.name)
    weights = a.model or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", a.name + ".pt")
    os.makedirs(a.out, exist_ok=True)
    model = ctor()
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    runs = []
    for i, path in enumerate(a.images):
        img = np.asarray(Image.open(path).convert("RGB"), np.float32) / 255
        assert img.shape == (224, 224, 3), img.shape
        x_np = ((img - MEAN) / STD).transpose(2, 0, 1).astype(np.float32)
        np.save(os.path.join(a.out, f"{i}.input.npy"), x_np)
        x = torch.from_numpy(x_np)[None]
        with torch.no_grad():
            logits = model(x)[0]
        c, logit, shape, gc, gcpp = reference_maps(model, x, layer, prefix, layout)
        np.save(os.path.join(a.out, f"{i}.grad-cam.npy"), gc)
        np.save(os.path.join(a.out, f"{i}.grad-cam++.npy"), gcpp)
        runs.append({"image": os.path.basename(path), "logits": logits.tolist(), "class": c,
                     "layer": layer, "shape": list(shape)})
        print(os.path.basename(path), "class", c, "logit", round(logit, 4), "layer", shape)
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump({"model": a.name, "torch": torch.__version__, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
