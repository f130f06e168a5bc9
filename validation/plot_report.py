#!/usr/bin/python3
"""Predicted vs measured plot for `migsim validate report --plot OUT.png`.

Usage: plot_report.py CASES.json OUT.png  (CASES.json as written by --cases-json)
Three panels (total time, transferred MiB, downtime) of cases converged in reality;
the QEMU-faithful model as filled markers (circles: reported-only, squares: training),
the geometric and CloudSim baselines as small crosses. The PNG is written atomically.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_report.py CASES.json OUT.png")
    doc = json.load(open(sys.argv[1]))
    cases = [c for c in doc["cases"] if c["measured"]["converged"]]
    metrics = [("total_time_ms", "total time (s)", 1e-3),
               ("transferred_bytes", "transferred (MiB)", 1.0 / 1048576),
               ("downtime_ms", "downtime (ms)", 1.0)]
    styles = {"qemu-precopy": dict(marker="o", s=22, zorder=3),
              "geometric": dict(marker="x", s=14, alpha=0.6),
              "cloudsim": dict(marker="+", s=18, alpha=0.6)}
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    for ax, (key, label, scale) in zip(axes, metrics):
        lo, hi = float("inf"), 0.0
        for model, st in styles.items():
            for split, mk in (("test", None), ("train", "s")):
                xs, ys = [], []
                for c in cases:
                    p = c["predicted"].get(model)
                    if c["split"] != split or p is None or not p["converged"]:
                        continue
                    if c["measured"][key] <= 0 or p[key] <= 0:
                        continue  # log axes: zero downtimes (baselines) are left out
                    xs.append(c["measured"][key] * scale)
                    ys.append(p[key] * scale)
                if not xs:
                    continue
                kw = dict(st)
                if mk and model == "qemu-precopy":
                    kw["marker"] = mk
                ax.scatter(xs, ys, label=f"{model} ({split})", **kw)
                lo = min(lo, min(xs + ys))
                hi = max(hi, max(xs + ys))
        if hi > 0:
            lo = max(lo, 1e-3)
            ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
            ax.set_xscale("log")
            ax.set_yscale("log")
        ax.set_xlabel("measured " + label)
        ax.set_ylabel("predicted " + label)
        ax.set_title(label)
        ax.grid(True, which="both", lw=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle("migsim vs real QEMU 7.2 migrations (" + " + ".join(os.path.basename(d) for d in doc["dataset"].split(" + ")) + ")")
    fig.tight_layout()
    out = sys.argv[2]
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
