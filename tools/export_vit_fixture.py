#!/usr/bin/env python3
"""Reference numbers of the shipped FashionScenes ViT (models/vit_t16s.pt) computed in PyTorch, as
test fixtures for sscam (core/src/test/resources/vit_t16s/). CI never runs this: the outputs are
committed, and the test runs models/vit_t16s.onnx in ONNX Runtime against them.

Exact command (Debian's python3-torch 1.13 / python3-torchvision 0.14):
    /usr/bin/python3 tools/export_vit_fixture.py --out core/src/test/resources/vit_t16s \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG \
        examples/fashion-scenes-mini/val/images/FS2026_val_00000007.JPEG

For the I-th image it writes:
  I.input.npy              the preprocessed image, float32 [3,224,224] (pixel/255, ImageNet mean/std;
                           the scenes are 224x224, so no resize)
  I.grad-cam.npy, I.grad-cam++.npy
                           float32 [14,14]: sum_k alpha_k A_k before ReLU and normalisation, at
                           encoder.layers.encoder_layer_5.ln_1 read as pytorch-grad-cam's
                           reshape_transform reads it (class token dropped, 196 tokens as 14x14)
and expected.json: per image its file, every logit and the class explained (the top-1).
"""
import argparse, json, os, sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_modern_fixtures import MEAN, STD, reference_maps  # noqa: E402
from train_vit import TARGET_LAYER, vit_t16s  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models",
                                                     "vit_t16s.pt"))
    ap.add_argument("--out", required=True)
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    model = vit_t16s()
    model.load_state_dict(torch.load(a.model, map_location="cpu"))
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
        c, logit, shape, gc, gcpp = reference_maps(model, x, TARGET_LAYER, 1, "tokens")
        np.save(os.path.join(a.out, f"{i}.grad-cam.npy"), gc)
        np.save(os.path.join(a.out, f"{i}.grad-cam++.npy"), gcpp)
        runs.append({"image": os.path.basename(path), "logits": logits.tolist(), "class": c,
                     "layer": TARGET_LAYER, "shape": list(shape)})
        print(os.path.basename(path), "class", c, "logit", round(logit, 4), "layer", shape)
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump({"model": "vit_t16s", "torch": torch.__version__, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
