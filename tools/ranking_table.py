#!/usr/bin/env python3
"""The README's ranking table from `sscam evaluate` reports: each chosen method's rank among all the
methods of each report, per metric, with its bootstrap interval (the `rank_*` rows of report.csv).

    tools/ranking_table.py docs/evaluation/resnet18h-all.csv docs/evaluation/squeezenet1_0-all.csv \
        --methods ss-cam-1,ss-cam-2,score-cam
"""
import argparse
import csv
import os

METRICS = [("drop", "Average Drop"), ("increase", "Increase in Confidence"), ("deletion", "Deletion AUC"),
           ("insertion", "Insertion AUC"), ("energy", "Box energy")]


def ranks(path):
    out, methods = {}, set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            metric = row["metric"]
            if metric.startswith("rank_"):
                rank, low, high = (int(float(row[k])) for k in ("mean", "ci_low", "ci_high"))
                out[(row["method"], metric[5:])] = (rank, low, high)
                methods.add(row["method"])
    return out, len(methods)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("reports", nargs="+", help="report.csv files (named by their model in the table)")
    p.add_argument("--methods", default="ss-cam-1,ss-cam-2", help="methods to show, comma-separated")
    a = p.parse_args()
    columns = []
    for path in a.reports:
        r, n = ranks(path)
        name = os.path.basename(path).removesuffix(".csv").removesuffix("-all")
        if name == "report":
            name = os.path.basename(os.path.dirname(os.path.abspath(path)))
        columns.append((name, r, n))
    print("| model | method | " + " | ".join(label for _, label in METRICS) + " |")
    print("|---|---|" + "---|" * len(METRICS))
    for model, r, n in columns:
        for method in a.methods.split(","):
            cells = []
            for key, _ in METRICS:
                v = r.get((method, key))
                cells.append("–" if v is None else (f"{v[0]} [{v[1]}]" if v[1] == v[2] else f"{v[0]} [{v[1]}–{v[2]}]"))
            print(f"| {model} (of {n}) | {method} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
