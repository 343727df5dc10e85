#!/usr/bin/env python3
"""Exports small random-weight versions of today's image classifiers in torchvision's layouts to
ONNX, with PyTorch-autograd Grad-CAM and Grad-CAM++ maps at each one's default target layer, as
test fixtures for sscam (core/src/test/resources/modern/). CI never runs this: the outputs are
committed.

Exact command (Debian's python3-torch 1.13 / python3-torchvision 0.14, TorchScript exporter):
    /usr/bin/python3 tools/export_modern_fixtures.py --image examples/fashion-scenes-mini/val/images/FS2026_val_00000002.JPEG \
        --out core/src/test/resources/modern

For each model NAME it writes:
  NAME.onnx            the model (opset 17 unless the name says otherwise), input 'input' [N,3,224,224]
  NAME.json            sscam model card (labels, no target_layer: sscam must find the default itself)
  NAME.expected.json   the default layer sscam must pick, its reading (prefix tokens, grid, layout),
                       the class explained and its logit
  NAME.grad-cam.npy, NAME.grad-cam++.npy
                       float32 [h,w]: sum_k alpha_k A_k BEFORE ReLU and normalisation, with A and
                       g = dlogit_c/dA read the way pytorch-grad-cam's reshape_transform reads them
  input.npy            the preprocessed image, float32 [3,224,224] (ImageNet mean/std on pixel/255)
"""
import argparse, json, os

import numpy as np
import torch
import torch.nn as nn
import torchvision
from PIL import Image
from torchvision.models import convnext, efficientnet, mobilenetv3, regnet, swin_transformer, vision_transformer

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
CLASSES = 10


class DeiT(nn.Module):
    """DeiT's layout on torchvision's ViT encoder: class and distillation tokens (P = 2), the mean
    of the two heads at inference."""

    def __init__(self, image_size=224, patch=16, layers=2, heads=2, hidden=32, mlp=64):
        super().__init__()
        self.patch = patch
        self.conv_proj = nn.Conv2d(3, hidden, patch, patch)
        n = (image_size // patch) ** 2
        self.class_token = nn.Parameter(torch.randn(1, 1, hidden) * 0.5)
        self.dist_token = nn.Parameter(torch.randn(1, 1, hidden) * 0.5)
        self.encoder = vision_transformer.Encoder(n + 2, layers, heads, hidden, mlp, 0.0, 0.0)
        self.head = nn.Linear(hidden, CLASSES)
        self.head_dist = nn.Linear(hidden, CLASSES)

    def forward(self, x):
        x = self.conv_proj(x).flatten(2).transpose(1, 2)
        b = x.shape[0]
        x = torch.cat([self.class_token.expand(b, -1, -1), self.dist_token.expand(b, -1, -1), x], dim=1)
        x = self.encoder(x)
        return (self.head(x[:, 0]) + self.head_dist(x[:, 1])) / 2


def vit():
    return vision_transformer.VisionTransformer(image_size=224, patch_size=16, num_layers=2, num_heads=2,
                                                hidden_dim=32, mlp_dim=64, num_classes=CLASSES)


def swin():
    return swin_transformer.SwinTransformer(patch_size=[4, 4], embed_dim=8, depths=[2, 2, 2, 2],
                                            num_heads=[1, 1, 2, 2], window_size=[7, 7], num_classes=CLASSES)


def convnext_small():
    C = convnext.CNBlockConfig
    return convnext.ConvNeXt([C(16, 32, 1), C(32, 64, 1), C(64, 96, 2), C(96, None, 1)], num_classes=CLASSES)


def mobilenet_v3_small():
    return torchvision.models.mobilenet_v3_small(width_mult=0.25, num_classes=CLASSES)


def efficientnet_v2():
    F, M = efficientnet.FusedMBConvConfig, efficientnet.MBConvConfig
    # EfficientNetV2-S's stages (Fused-MBConv, then MBConv with squeeze-and-excitation), fewer and narrower
    setting = [F(1, 3, 1, 8, 8, 1), F(4, 3, 2, 8, 16, 1), F(4, 3, 2, 16, 24, 1),
               M(4, 3, 2, 24, 32, 1), M(6, 3, 1, 32, 40, 1), M(6, 3, 2, 40, 64, 1)]
    return efficientnet.EfficientNet(setting, 0.0, last_channel=128, num_classes=CLASSES)


def regnet_y():
    params = regnet.BlockParams.from_init_params(depth=6, w_0=16, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25)
    return regnet.RegNet(params, num_classes=CLASSES)


# name: (constructor, opset, default layer module path, prefix tokens or None, layout)
MODELS = {
    "vit_b16_layout": (vit, 17, "encoder.layers.encoder_layer_1.ln_1", 1, "tokens"),
    "vit_b16_layout_opset14": (vit, 14, "encoder.layers.encoder_layer_1.ln_1", 1, "tokens"),
    "deit_layout": (DeiT, 17, "encoder.layers.encoder_layer_1.ln_1", 2, "tokens"),
    "swin_t_layout": (swin, 17, "norm", None, "NHWC"),
    "convnext_layout": (convnext_small, 17, "features.7", None, "NCHW"),
    "mobilenet_v3_small": (mobilenet_v3_small, 17, "features.12", None, "NCHW"),
    "efficientnet_v2_layout": (efficientnet_v2, 17, "features.7", None, "NCHW"),
    "regnet_y_layout": (regnet_y, 17, "trunk_output", None, "NCHW"),
}


def module(model, path):
    m = model
    for part in path.split("."):
        m = getattr(m, part)
    return m


def to_nchw(t, prefix, layout):
    """pytorch-grad-cam's reshape_transform for each layout."""
    if layout == "tokens":
        b, n, c = t.shape
        side = int(round((n - prefix) ** 0.5))
        return t[:, prefix:, :].reshape(b, side, side, c).permute(0, 3, 1, 2)
    if layout == "NHWC":
        return t.permute(0, 3, 1, 2)
    return t


def reference_maps(model, x, layer, prefix, layout):
    saved = {}
    handle = module(model, layer).register_forward_hook(lambda m, i, o: saved.__setitem__("a", o))
    x = x.clone().requires_grad_(False)
    logits = model(x)
    handle.remove()
    a = saved["a"]
    c = int(logits[0].argmax())
    g = torch.autograd.grad(logits[0, c], a)[0]
    A = to_nchw(a, prefix, layout)[0].detach().double()
    G = to_nchw(g, prefix, layout)[0].double()
    gradcam = (G.mean(dim=(1, 2))[:, None, None] * A).sum(0)
    g2, g3 = G ** 2, G ** 3
    denom = 2 * g2 + A.sum(dim=(1, 2))[:, None, None] * g3
    aij = torch.where((G != 0) & (denom != 0), g2 / torch.where(denom == 0, torch.ones_like(denom), denom), torch.zeros_like(G))
    w = (aij * torch.relu(G)).sum(dim=(1, 2))
    gradcampp = (w[:, None, None] * A).sum(0)
    return c, float(logits[0, c]), tuple(A.shape), gradcam.float().numpy(), gradcampp.float().numpy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    img = np.asarray(Image.open(a.image).convert("RGB").resize((224, 224), Image.BILINEAR), np.float32) / 255
    x_np = ((img - MEAN) / STD).transpose(2, 0, 1).astype(np.float32)
    np.save(os.path.join(a.out, "input.npy"), x_np)
    x = torch.from_numpy(x_np)[None]
    for name, (ctor, opset, layer, prefix, layout) in MODELS.items():
        torch.manual_seed(a.seed)
        model = ctor().eval()
        with torch.no_grad():  # random BatchNorm statistics, so that the maps are not all alike
            for m in model.modules():
                if isinstance(m, nn.Linear) and not m.weight.any():  # torchvision's ViT head starts at 0
                    m.weight.normal_(0, 0.2)
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
        c, logit, shape, gc, gcpp = reference_maps(model, x, layer, prefix or 0, layout)
        path = os.path.join(a.out, name + ".onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        np.save(os.path.join(a.out, name + ".grad-cam.npy"), gc)
        np.save(os.path.join(a.out, name + ".grad-cam++.npy"), gcpp)
        card = {"name": name, "file": name + ".onnx",
                "input": {"name": "input", "shape": [None, 3, 224, 224], "layout": "NCHW RGB", "scale": "pixel/255",
                          "mean": MEAN.tolist(), "std": STD.tolist()},
                "output": {"name": "logits", "kind": "logits (no softmax)"},
                "labels": [f"class {i}" for i in range(CLASSES)]}
        json.dump(card, open(os.path.join(a.out, name + ".json"), "w"), indent=1)
        expected = {"default_layer": layer, "reading": layout if prefix is None else f"tokens {prefix}+{shape[1]}x{shape[2]}",
                    "channels": shape[0], "height": shape[1], "width": shape[2], "class": c, "logit": logit,
                    "opset": opset, "params": sum(p.numel() for p in model.parameters()),
                    "torch": torch.__version__, "torchvision": torchvision.__version__}
        json.dump(expected, open(os.path.join(a.out, name + ".expected.json"), "w"), indent=1)
        print(name, expected, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
