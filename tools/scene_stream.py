"""What the project's training scripts share: an endless, seeded stream of FashionScenes training
scenes (optionally stored and read back as JPEG, as the validation set is), ImageNet
normalisation, a held-out top-1, atomic checkpoints, and the model card's score on the 2,000
validation JPEGs. Used by train_vit.py and train_vgg16s.py.
"""
import io, os, sys

import numpy as np
from PIL import Image
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_scenes as fs

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
DEFAULT_VAL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                               "benchmark", "fashion-scenes", "val")


def jpeg_round_trip(img, quality):
    """The scene as the validation set stores it (PIL JPEG at this quality), decoded back to RGB."""
    if not quality:
        return img
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGB"))


def chunk(root_images, root_labels, index, count, seed, jpeg_quality=0):
    """Chunk `index` of the training stream: `count` fresh scenes, the same for the same seed."""
    rng = np.random.Generator(np.random.PCG64(seed * 100003 + index))
    xs = np.empty((count, fs.SIZE, fs.SIZE, 3), np.uint8)
    ys = np.empty(count, np.int64)
    order = rng.integers(len(root_labels), size=count)
    for k in range(count):
        img, label, _, _ = fs.make_scene(rng, root_images, root_labels, int(order[k]))
        xs[k], ys[k] = jpeg_round_trip(img, jpeg_quality), label
    return xs, ys


def held_out(fashion_mnist, count, jpeg_quality=0, seed=777):
    """Scenes from Fashion-MNIST's test split with a seed that is not the shipped validation set's."""
    timg, tlab = fs.load_split(fashion_mnist, "test")
    xv, yv = [], []
    for _, img, label, _, _ in fs.scenes(timg, tlab, count, seed):
        xv.append(jpeg_round_trip(img, jpeg_quality))
        yv.append(label)
    return np.stack(xv), np.array(yv)


def to_input(batch_u8):
    x = torch.from_numpy(batch_u8).permute(0, 3, 1, 2).float().div_(255)
    return (x - MEAN) / STD


@torch.no_grad()
def evaluate(model, xv, yv, bs=200):
    model.eval()
    hit = 0
    for s in range(0, len(xv), bs):
        hit += int((model(to_input(xv[s:s + bs])).argmax(1).numpy() == yv[s:s + bs]).sum())
    return hit / len(xv)


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


@torch.no_grad()
def validation_jpeg_hits(model, val_dir):
    """Per validation scene, whether the model's top-1 is right, reading the saved JPEGs as sscam does."""
    model.eval()
    rows = [line.split() for line in open(os.path.join(val_dir, "ground_truth.txt"))]
    hits = []
    for s in range(0, len(rows), 100):
        batch = np.stack([np.asarray(Image.open(os.path.join(val_dir, "images", r[0])).convert("RGB"))
                          for r in rows[s:s + 100]])
        pred = model(to_input(batch)).argmax(1).numpy()
        hits.extend((pred == np.array([int(r[1]) for r in rows[s:s + 100]])).tolist())
    return hits


def labels(val_dir):
    return [line.split(" ", 1)[1].strip() for line in open(os.path.join(val_dir, "..", "LOC_synset_mapping.txt"))]


def warmup_stable_decay(step, a):
    """The rate at `step`: linear warm-up over a.warmup steps, constant a.lr, then a linear decay to 0
    over the last a.decay fraction of a.steps (a run can stop at a stable checkpoint and decay later)."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    decay_from = int(a.steps * (1 - a.decay))
    if step < decay_from:
        return a.lr
    return a.lr * max(0.0, (a.steps - step) / max(1, a.steps - decay_from))


@torch.no_grad()
def export_with_card(model, out, name, architecture, target_layer, a, log):
    """Exports `model` (eval mode) to OUT/NAME.onnx (opset 17, dynamic batch), its state dict to
    OUT/NAME.pt, and writes the model card OUT/NAME.json, scored on the saved validation JPEGs."""
    import json
    import torchvision
    model.eval()
    torch.save(model.state_dict(), os.path.join(out, name + ".pt"))
    onnx_path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), onnx_path + ".tmp", opset_version=17,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    os.replace(onnx_path + ".tmp", onnx_path)
    log(f"exported {onnx_path}; params {sum(p.numel() for p in model.parameters())}")
    hits = validation_jpeg_hits(model, a.val_dir)
    top1 = sum(hits) / len(hits)
    card = {
        "name": name,
        "file": name + ".onnx",
        "task": "10-class FashionScenes classification (benchmark/fashion-scenes)",
        "architecture": architecture,
        "input": {"name": "input", "shape": [None, 3, 224, 224], "layout": "NCHW RGB", "scale": "pixel/255",
                  "mean": MEAN.flatten().tolist(), "std": STD.flatten().tolist(),
                  "resize": "224x224 (scenes are already 224x224)"},
        "output": {"name": "logits", "kind": "logits (no softmax)"},
        "labels": labels(a.val_dir),
        "target_layer": {"module": target_layer},
        "opset": 17,
        "val_top1_on_saved_jpegs": top1,
        "images_scored": len(hits),
        "val_top1_first_200": sum(hits[:200]) / 200,  # what the project's tests recompute in ONNX Runtime
        "training": {"command": "/usr/bin/python3 tools/" + os.path.basename(sys.argv[0]) + " " + " ".join(sys.argv[1:]),
                     "scenes_seen": a.steps * a.batch, "torch": torch.__version__,
                     "torchvision": torchvision.__version__},
    }
    path = os.path.join(out, name + ".json")
    with open(path + ".tmp", "w") as f:
        json.dump(card, f, indent=1)
    os.replace(path + ".tmp", path)
    log(f"model card {path}: val_top1_on_saved_jpegs {top1:.4f}")


def flipped_batches(xs, ys, chunk_index, batch):
    """The chunk's scenes in a seeded order, `batch` at a time, each scene mirrored with probability 1/2."""
    perm = np.random.Generator(np.random.PCG64(chunk_index)).permutation(len(xs))
    for s in range(len(xs) // batch):
        idx = np.sort(perm[s * batch:(s + 1) * batch])
        x = to_input(xs[idx])
        flip = torch.rand(x.shape[0]) < 0.5
        x[flip] = x[flip].flip(3)
        yield x, torch.from_numpy(ys[idx])


def resume(path, modules, opt, log):
    """Loads a checkpoint written by save_checkpoint, if there is one: returns (step, chunk index)."""
    if not os.path.exists(path):
        return 0, 0
    ck = torch.load(path, map_location="cpu")
    for key, module in modules.items():
        module.load_state_dict(ck[key])
    opt.load_state_dict(ck["opt"])
    torch.set_rng_state(ck["torch_rng"])
    log(f"resumed at step {ck['step']}, chunk {ck['chunk']}")
    return ck["step"], ck["chunk"]


def save_checkpoint(path, modules, opt, step, chunk_index, a, stable_path):
    """Writes the state after a chunk; while the rate is still constant, also as the stable checkpoint
    (the state to decay from when a run is extended with a larger --steps)."""
    state = {key: module.state_dict() for key, module in modules.items()}
    state.update({"opt": opt.state_dict(), "step": step, "chunk": chunk_index, "torch_rng": torch.get_rng_state(),
                  "args": vars(a)})
    save_atomic(state, path)
    if step < int(a.steps * (1 - a.decay)):
        save_atomic(state, stable_path)


def add_run_arguments(ap, **defaults):
    """The options every training script takes, with the script's own defaults (`lr`, `warmup`, `decay`,
    `chunk`, `val_count`, `jpeg_quality`, `seed`); the script adds its own options after these."""
    ap.add_argument("--fashion-mnist", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, help="peak rate")
    ap.add_argument("--warmup", type=int, help="steps of linear warm-up")
    ap.add_argument("--decay", type=float, help="fraction of steps in the final linear decay")
    ap.add_argument("--chunk", type=int, help="fresh scenes per chunk (checkpoint after each)")
    ap.add_argument("--val-count", type=int, help="held-out scenes for the per-chunk check")
    ap.add_argument("--jpeg-quality", type=int,
                    help="round-trip every training and held-out scene through JPEG at this quality, as the validation"
                         " set is stored (90); 0 = scenes as generated")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--val-dir", default=DEFAULT_VAL_DIR,
                    help="the 2,000 FashionScenes validation scenes (JPEGs): scored for the model card")
    ap.set_defaults(**defaults)


def open_run(a):
    """Sets torch's threads, makes OUT, and returns log(msg): printed and appended to OUT/train.log."""
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    logf = open(os.path.join(a.out, "train.log"), "a")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    return log
