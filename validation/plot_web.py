#!/usr/bin/python3
"""Real and predicted web runs on one time axis, for `migsim validate report WEB --windows CSV`.

Usage: plot_web.py WINDOWS.csv OUT.png [RUN ...]
For each run (default: the first four with a migration), two columns side by side: what was
measured (left) and what the application-impact model predicted given the measured migration
(right), each with three panels on one time axis: host CPU (measured only) with the guest's dirty
rate during the migration (left: QEMU's dirty-pages-rate; right: the dirtier's write rate, the
model's input), request latency p50/p99 (log scale) and throughput; the measured migration's phases are shaded on both sides
(pre-copy light, stop-and-copy red, the fitted switch-over purple). The downtime-only baseline is drawn thin on the right.
The PNG is written atomically.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SHADE = {"pre-copy": ("#fde3b0", "pre-copy"), "stop-and-copy": ("#e07b7b", "stop-and-copy"),
         "switch-over": ("#b07be0", "switch-over")}


def num(v):
    return float(v) if v != "" else float("nan")


def read(path):
    runs = {}
    for row in csv.DictReader(open(path)):
        runs.setdefault(row["run"], []).append(row)
    return runs


def shade(ax, rows, key):
    """Shade consecutive windows of each phase."""
    start, phase = None, "none"
    for r in rows + [{"t_s": str(num(rows[-1]["t_s"]) + 0.1), key: "none"}]:
        if r[key] != phase:
            if phase in SHADE:
                ax.axvspan(start, num(r["t_s"]), color=SHADE[phase][0], alpha=0.6, lw=0, zorder=0)
            start, phase = num(r["t_s"]), r[key]


def panel_set(axes, rows, side):
    t = [num(r["t_s"]) for r in rows]
    # "Given the measured migration": both sides on the measured phases (predicted_phase, the
    # end-to-end pre-copy model's, is in the CSV for other figures).
    for ax in axes:
        shade(ax, rows, "phase")
        ax.grid(True, lw=0.3)
    if side == "measured":
        axes[0].plot(t, [num(r["host_cpu_pct"]) for r in rows], color="tab:gray")
    else:
        axes[0].text(0.5, 0.5, "(host CPU: measured only)", transform=axes[0].transAxes, ha="center",
                     va="center", fontsize=8, color="gray")
    axes[0].set_ylabel("host CPU %", fontsize=8)
    # The guest's dirty rate during the migration: QEMU's dirty-pages-rate (measured, updated at
    # each bitmap sync) and the dirtier's write rate, the model's input (predicted side).
    column = "qemu_dirty_pages_per_s" if side == "measured" else "guest_writes_pages_per_s"
    if column in rows[0]:
        dirty = axes[0].twinx()
        dirty.step(t, [num(r[column]) for r in rows], where="post", color="tab:orange", lw=1.0,
                   ls="-" if side == "measured" else "--")
        dirty.set_ylabel("dirty pages/s" if side == "measured" else "writes pages/s (model input)",
                         fontsize=7, color="tab:orange")
        dirty.tick_params(axis="y", labelsize=6, colors="tab:orange")
        dirty.set_ylim(bottom=0)
    prefix = "measured" if side == "measured" else "predicted"
    axes[1].semilogy(t, [num(r[prefix + "_p50_ms"]) for r in rows], label="p50", color="tab:blue")
    axes[1].semilogy(t, [num(r[prefix + "_p99_ms"]) for r in rows], label="p99", color="tab:red")
    if side != "measured":
        axes[1].semilogy(t, [num(r["baseline_p99_ms"]) for r in rows], label="p99 downtime-only", color="k",
                         lw=0.6, ls="--")
    axes[1].set_ylabel("latency (ms)", fontsize=8)
    axes[1].legend(fontsize=6, loc="upper right")
    axes[2].plot(t, [num(r[prefix + "_throughput_rps"]) for r in rows], color="tab:green")
    axes[2].set_ylabel("throughput (req/s)", fontsize=8)
    axes[2].set_xlabel("time since the first request (s)", fontsize=8)


def main(argv=None):
    """plot_web.py WINDOWS.csv OUT.png [RUN ...]; argv without the program name (a
    notebook calls main([csv, png]))."""
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) < 2:
        sys.exit("usage: plot_web.py WINDOWS.csv OUT.png [RUN ...]")
    runs = read(args[0])
    names = args[2:] or [n for n, rows in runs.items() if any(r["phase"] != "none" for r in rows)][:4]
    if not names:
        sys.exit("plot_web.py: no run with a migration in " + args[0])
    fig, axes = plt.subplots(3 * len(names), 2, figsize=(13, 5.2 * len(names)), sharex="col", squeeze=False,
                             gridspec_kw={"height_ratios": [1, 2, 1.3] * len(names)})
    for i, name in enumerate(names):
        if name not in runs:
            sys.exit("plot_web.py: no run named " + name)
        rows = runs[name]
        for col, side in enumerate(("measured", "predicted")):
            panel_set([axes[3 * i + k][col] for k in range(3)], rows, side)
            axes[3 * i][col].set_title(f"{name} [{rows[0]['split']}, {rows[0]['scenario']}]: {side}", fontsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.6) for c, _ in SHADE.values()]
    fig.legend(handles, [label for _, label in SHADE.values()], loc="upper center", ncol=3, fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    out = args[1]
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=90)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
