#!/usr/bin/python3
"""Figures of a migsim run folder (`migsim run ... --out-dir DIR`), run by `migsim plot`.

    migsim_plot.py DIR [--out FILE.png] [--title TEXT]

Reads DIR/cluster.csv (or .jsonl), DIR/migrations.csv (or .jsonl) and DIR/summary.json, and
draws three panels over simulated hours: power and active hosts; every migration at its start
with its duration (colour: its cause), with the migrations in flight; the SLA metrics so far
(SLATAH, PDM). Writes DIR/run.png unless --out says otherwise. Exit 2 with one line on bad input.
"""
import argparse
import csv
import json
import os
import sys


def fail(msg):
    print(f"migsim plot: error: {msg}", file=sys.stderr)
    sys.exit(2)


def read_table(folder, name):
    """The records of name.csv or name.jsonl in folder, as dicts of floats/str/bool."""
    path_csv, path_jsonl = os.path.join(folder, name + ".csv"), os.path.join(folder, name + ".jsonl")
    if os.path.exists(path_csv):
        with open(path_csv, newline="") as f:
            rows = list(csv.DictReader(f))

        def conv(v):
            if v in ("true", "false"):
                return v == "true"
            try:
                return float(v)
            except ValueError:
                return v

        return [{k: conv(v) for k, v in r.items()} for r in rows]
    if os.path.exists(path_jsonl):
        with open(path_jsonl) as f:
            return [json.loads(line) for line in f if line.strip()]
    fail(f"{folder}: no {name}.csv or {name}.jsonl (write it with 'migsim run ... --out-dir {folder}')")


def draw(folder, out, title=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cluster = read_table(folder, "cluster")
    migrations = read_table(folder, "migrations")
    summary_path = os.path.join(folder, "summary.json")
    summary = json.load(open(summary_path)) if os.path.exists(summary_path) else {}
    if not cluster:
        fail(f"{folder}: cluster table has no records")
    hours = [r["time_s"] / 3600 for r in cluster]

    fig, axes = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    ax = axes[0]
    ax.plot(hours, [r["power_W"] / 1000 for r in cluster], color="tab:red", lw=1.2, label="power")
    ax.set_ylabel("power (kW)", color="tab:red")
    ax2 = ax.twinx()
    ax2.step(hours, [r["active_hosts"] for r in cluster], where="post", color="tab:blue", lw=1, label="active hosts")
    ax2.set_ylabel("active hosts", color="tab:blue")
    energy = summary.get("energy_kwh", cluster[-1]["energy_kWh"])
    ax.set_title(title or f"{summary.get('scenario', folder)}: {summary.get('policy', '')}, {energy:.2f} kWh")

    ax = axes[1]
    causes = sorted({m["cause"] for m in migrations})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, c in enumerate(causes):
        ms = [m for m in migrations if m["cause"] == c]
        ok = [m for m in ms if m["converged"]]
        ax.scatter([m["start_s"] / 3600 for m in ok], [m["duration_s"] for m in ok], s=8,
                   color=colours[i % len(colours)], label=f"{c} ({len(ms)})")
        bad = [m for m in ms if not m["converged"]]
        if bad:
            ax.scatter([m["start_s"] / 3600 for m in bad], [m["duration_s"] for m in bad], s=20, marker="x",
                       color=colours[i % len(colours)], label=f"{c}: did not converge ({len(bad)})")
    ax.set_ylabel("migration duration (s)")
    if migrations:
        ax.legend(loc="upper left", fontsize=8)
    ax3 = ax.twinx()
    ax3.step(hours, [r["migrations_in_flight"] for r in cluster], where="post", color="grey", lw=0.8, alpha=0.7)
    ax3.set_ylabel("in flight", color="grey")

    ax = axes[2]
    ax.plot(hours, [100 * r["slatah_frac"] for r in cluster], color="tab:blue")
    ax.set_ylabel("SLATAH so far (%)", color="tab:blue")
    ax.set_xlabel("simulated time (h)")
    ax4 = ax.twinx()  # PDM is orders of magnitude below SLATAH
    ax4.plot(hours, [100 * r["pdm_frac"] for r in cluster], color="tab:orange")
    ax4.set_ylabel("PDM so far (%)", color="tab:orange")
    slav = summary.get("slav")
    if slav is not None:
        ax.set_title(f"SLAV {slav:.3e}, {len(migrations)} migrations ended", fontsize=9)

    fig.tight_layout()
    fig.savefig(out, dpi=80)
    plt.close(fig)
    return out


def main(argv):
    ap = argparse.ArgumentParser(prog="migsim plot", description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--out", help="PNG to write (default DIR/run.png)")
    ap.add_argument("--title")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.dir):
        fail(f"{a.dir}: not a folder")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        fail("matplotlib is missing: install Debian's python3-matplotlib (scripts/setup)")
    out = draw(a.dir, a.out or os.path.join(a.dir, "run.png"), a.title)
    print(out)


if __name__ == "__main__":
    main(sys.argv[1:])
