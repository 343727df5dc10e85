#!/usr/bin/env python3
"""Figure 3 on the three models side by side: each scene's row from every model's `sscam compare` grid,
one under the other, so the same scene's maps on ResNet-18h, SqueezeNet1.0 and vgg16s can be read
together. The grids come from the README's `compare` command (docs/figure3/figure3-MODEL.png, four
scenes, the paper's six methods); this only cuts and stacks their rows and names the model in each.

    /usr/bin/python3 tools/figure3_side_by_side.py -o docs/figure3/figure3-three-models.png \
        docs/figure3/figure3-resnet18h.png docs/figure3/figure3-squeezenet1_0.png docs/figure3/figure3-vgg16s.png
"""
import argparse, os

import numpy as np
from PIL import Image, ImageDraw


def bands(grid):
    """(header, rows): the grid's column titles and its scene rows, cut at its white separators."""
    a = np.asarray(grid.convert("RGB")).astype(int)
    white = [(a[y, 140:] >= 250).all() for y in range(a.shape[0])]
    cuts, y = [], 0
    while y < len(white):
        if white[y]:
            start = y
            while y < len(white) and white[y]:
                y += 1
            cuts.append((start, y))
        else:
            y += 1
    # cuts: top margin, below the titles, between rows, bottom margin
    header = grid.crop((0, 0, grid.width, cuts[1][1]))
    rows = [grid.crop((0, cuts[i][1], grid.width, cuts[i + 1][0])) for i in range(1, len(cuts) - 1)]
    return header, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("grids", nargs="+", help="docs/figure3/figure3-MODEL.png, in the order to stack")
    a = ap.parse_args()
    names = [os.path.basename(g)[len("figure3-"):-len(".png")] for g in a.grids]
    cut = [bands(Image.open(g)) for g in a.grids]
    header = cut[0][0]
    scenes = len(cut[0][1])
    if any(len(rows) != scenes for _, rows in cut):
        raise SystemExit("the grids do not have the same scenes")
    gap = 10
    row_h = cut[0][1][0].height
    height = header.height + scenes * (len(cut) * (row_h + 2) + gap)
    out = Image.new("RGB", (header.width, height), "white")
    out.paste(header, (0, 0))
    y = header.height
    draw = ImageDraw.Draw(out)
    for s in range(scenes):
        for name, (_, rows) in zip(names, cut):
            out.paste(rows[s], (0, y))
            draw.rectangle((0, y + 2, 128, y + 16), fill="white")
            draw.text((4, y + 3), name, fill="black")
            y += rows[s].height + 2
        y += gap
    tmp = a.out + ".tmp.png"
    out.save(tmp)
    os.replace(tmp, a.out)  # never a half-written figure
    print(a.out, out.size)


if __name__ == "__main__":
    main()
