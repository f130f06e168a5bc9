#!/usr/bin/python3
"""Predicted vs real makespan of recorded batches, for `migsim validate report BATCHES --plot OUT.png`.

Usage: plot_batches.py BATCHES.json OUT.png  (BATCHES.json as written by --cases-json)
The engine (max-min, re-rated) as filled markers (circles: reported, squares: training),
the baselines as small markers; the diagonal is a perfect prediction. Written atomically.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_batches.py BATCHES.json OUT.png")
    doc = json.load(open(sys.argv[1]))
    batches = doc["batches"]
    model = doc["model"]
    styles = {model: dict(s=28, zorder=3, color="tab:blue"),
              "maxmin-fixed": dict(marker="x", s=18, alpha=0.7, color="tab:red"),
              "nic-split-fixed": dict(marker="+", s=22, alpha=0.7, color="tab:green"),
              "ram-over-bw": dict(marker="1", s=22, alpha=0.7, color="tab:purple")}
    fig, ax = plt.subplots(figsize=(6.5, 6))
    hi = 1.0
    for name, style in styles.items():
        for split, marker in (("test", "o"), ("train", "s")):
            pts = [(b["makespan_s"], b["predicted_makespan_s"][name]) for b in batches if b["split"] == split]
            if not pts:
                continue
            hi = max(hi, max(max(p) for p in pts))
            kw = dict(style)
            if name == model:
                kw["marker"] = marker
                if split == "train":
                    kw["color"] = "tab:orange"
            label = name + (" (training)" if split == "train" else "")
            if name != model and split == "train":
                label = None
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], label=label, **kw)
    ax.plot([0, hi * 1.05], [0, hi * 1.05], color="grey", lw=0.8)
    ax.set_xlim(0, hi * 1.05)
    ax.set_ylim(0, hi * 1.05)
    ax.set_xlabel("real makespan (s)")
    ax.set_ylabel("predicted makespan (s)")
    ax.set_title("Concurrent QEMU migrations over one shaped link\n(link goodput factor %.3f)" % doc["link_goodput"])
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = sys.argv[2]
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
