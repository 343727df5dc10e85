#!/usr/bin/env python3
"""Trains vgg16s, the FashionScenes stand-in for the paper's VGG-16, on a CPU, resumably, and exports it.

The layout is shared/tools/train_benchmark_models.py's: torchvision's VGG-16 (13 convolutions, five
max-pools, adaptive 7x7 pooling, three linear layers, the same features.N indices, so the paper's
target layer is features.29, 14x14) at a quarter of the channels, BatchNorm during training only,
folded into the convolutions for export. Its recipe stayed at chance (loss 2.30, top-1 10.1% after
8,000 scenes x 3 epochs with AdamW at 1e-4). What changed, and why:
  * SGD with Nesterov momentum 0.9 at a peak rate of --lr (0.05) after a linear warm-up, constant,
    then a linear decay over the last --decay fraction (warmup-stable-decay, so a run can be
    extended from a stable checkpoint). Adam's per-weight steps on the 6,272-wide first linear
    layer were what the old comment blamed for dead ReLUs; BatchNorm makes the plain rate safe;
  * no dropout while training (--dropout 0): the head has to learn where the small object is, and
    an under-fitting head learns nothing; the exported layout keeps torchvision's Dropout modules,
    which do nothing at inference;
  * fresh scenes every chunk, stored and read back as JPEG at quality 90 like the validation set
    (--jpeg-quality), horizontal flips, label smoothing 0.1, weight decay 5e-4 on weights only;
  * channels-last tensors (faster convolutions on this CPU).
State is saved after every chunk to OUT/vgg16s.ckpt (written to a temp file, then renamed): run the
same command again and it resumes. At the end: BatchNorm folded into the convolutions, the folded
model checked to give the same logits, exported to OUT/vgg16s.onnx (opset 17), its state dict to
OUT/vgg16s.pt, and the model card OUT/vgg16s.json with its top-1 on the 2,000 validation JPEGs.

Needs Debian's python3-torch python3-torchvision libopenblas0-pthread dataset-fashion-mnist.
Exact command of the shipped model: see the model card (training.command).
"""
import argparse, os, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_scenes as fs  # noqa: E402
from scene_stream import (add_run_arguments, chunk, evaluate, export_with_card, flipped_batches, held_out,  # noqa: E402
                          open_run, resume, save_checkpoint, to_input, warmup_stable_decay)

CFG = [16, 16, "M", 32, 32, "M", 64, 64, 64, "M", 128, 128, 128, "M", 128, 128, 128, "M"]
TARGET_LAYER = "features.29"
ARCHITECTURE = ("torchvision VGG-16 layout (13 conv3x3 + ReLU, 5 max-pools, adaptive 7x7 average pool,"
                " linear 6272-256-256-10) at a quarter of the channels (16/32/64/128/128);"
                " trained with BatchNorm, folded into the convolutions")


def vgg16s(num_classes=10, batch_norm=False, dropout=0.5):
    """torchvision VGG-16 layout at a quarter of the channels, classifier 6272-256-256-10."""
    m = torchvision.models.vgg.VGG(torchvision.models.vgg.make_layers(CFG, batch_norm=batch_norm),
                                   num_classes=num_classes)
    m.classifier = nn.Sequential(nn.Linear(128 * 7 * 7, 256), nn.ReLU(True), nn.Dropout(dropout),
                                 nn.Linear(256, 256), nn.ReLU(True), nn.Dropout(dropout),
                                 nn.Linear(256, num_classes))
    return m


@torch.no_grad()
def fold(bn_model):
    """The plain VGG-16 layout (features.N as torchvision numbers them) with each BatchNorm folded
    into the convolution before it: W' = W * g / sqrt(v + eps), b' = (b - mu) * g / sqrt(v + eps) + beta."""
    plain = vgg16s()
    convs = [m for m in bn_model.features if isinstance(m, nn.Conv2d)]
    norms = [m for m in bn_model.features if isinstance(m, nn.BatchNorm2d)]
    targets = [m for m in plain.features if isinstance(m, nn.Conv2d)]
    for c, b, t in zip(convs, norms, targets):
        scale = b.weight / torch.sqrt(b.running_var + b.eps)
        t.weight.copy_(c.weight * scale.view(-1, 1, 1, 1))
        t.bias.copy_((c.bias - b.running_mean) * scale + b.bias)
    plain.classifier.load_state_dict(bn_model.classifier.state_dict())
    return plain.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_arguments(ap, lr=0.05, warmup=200, decay=0.3, chunk=1600, val_count=500, jpeg_quality=90, seed=2)
    ap.add_argument("--dropout", type=float, default=0.0, help="dropout while training (the exported model has none active)")
    a = ap.parse_args()
    log = open_run(a)

    images, labels = fs.load_split(a.fashion_mnist, "train")
    xv, yv = held_out(a.fashion_mnist, a.val_count, a.jpeg_quality)

    torch.manual_seed(a.seed)
    model = vgg16s(batch_norm=True, dropout=a.dropout).to(memory_format=torch.channels_last)
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                          lr=a.lr, momentum=0.9, nesterov=True)
    ckpt_path = os.path.join(a.out, "vgg16s.ckpt")
    step, chunk_index = resume(ckpt_path, {"model": model}, opt, log)
    log(f"torch {torch.__version__} threads {torch.get_num_threads()} args {vars(a)}")
    t0 = time.time()
    while step < a.steps:
        xs, ys = chunk(images, labels, chunk_index, a.chunk, a.seed, a.jpeg_quality)
        model.train()
        tot, n = 0.0, 0
        for x, y in flipped_batches(xs, ys, chunk_index, a.batch):
            if step >= a.steps:
                break
            x = x.contiguous(memory_format=torch.channels_last)
            for g in opt.param_groups:
                g["lr"] = warmup_stable_decay(step, a)
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            tot += loss.item()
            n += 1
        chunk_index += 1
        acc = evaluate(model, xv, yv)
        log(f"chunk {chunk_index} step {step}/{a.steps} lr {warmup_stable_decay(step - 1, a):.2e} loss {tot / max(1, n):.4f} "
            f"val_top1 {acc:.4f} t {time.time() - t0:.0f}s")
        save_checkpoint(ckpt_path, {"model": model}, opt, step, chunk_index, a,
                        os.path.join(a.out, "vgg16s.stable.ckpt"))
    model.eval()
    plain = fold(model)
    probe = to_input(xv[:16])
    drift = float((plain(probe) - model(probe)).abs().max())
    if drift > 1e-3:
        raise SystemExit(f"folding BatchNorm changed the logits by {drift}")
    log(f"BatchNorm folded into the convolutions: logits within {drift:.2e}")
    export_with_card(plain, a.out, "vgg16s", ARCHITECTURE, TARGET_LAYER, a, log)


if __name__ == "__main__":
    main()
