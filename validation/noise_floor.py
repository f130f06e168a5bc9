#!/usr/bin/python3
"""Noise floor of real migrations: the same matrix recorded twice (two datasets).

Usage: validation/noise_floor.py A.jsonl B.jsonl
Single-migration or batch datasets (a batch record's migrations are paired by their names;
batches add the MAPE of B's makespan against A's). Pairs records by (case, repeat) and reports, over pairs that converged both times, the
MAPE of B's total time / transferred bytes against A's and the median |downtime A - B|,
plus how often the convergence outcome agreed. No model can beat this on this machine.
"""
import json
import statistics
import sys


def load(path):
    out, makespans = {}, {}
    for line in open(path):
        if line.strip():
            rec = json.loads(line)
            members = [rec]
            if rec["format"] == "migsim-validation-batch/1":
                makespans[(rec["batch"], rec["repeat"])] = rec["makespan_s"]
                members = rec["migrations"]
            for r in members:
                q = r["qemu"] if r["outcome"] == "completed" else r["qemu_last_active"]
                out[(r["case"], r["repeat"])] = (r["outcome"] == "completed", q)
    return out, makespans


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: noise_floor.py A.jsonl B.jsonl")
    (a, ma), (b, mb) = load(sys.argv[1]), load(sys.argv[2])
    keys = sorted(set(a) & set(b))
    agree = sum(a[k][0] == b[k][0] for k in keys)
    both = [k for k in keys if a[k][0] and b[k][0]]
    t = [abs(b[k][1]["total-time"] - a[k][1]["total-time"]) / a[k][1]["total-time"] for k in both]
    by = [abs(b[k][1]["ram"]["transferred"] - a[k][1]["ram"]["transferred"]) / a[k][1]["ram"]["transferred"]
          for k in both]
    dt = [abs(b[k][1]["downtime"] - a[k][1]["downtime"]) for k in both]
    batches = sorted(set(ma) & set(mb))
    extra = {}
    if batches:
        extra = {"batches": len(batches),
                 "makespan_mape_pct": round(100 * statistics.mean(abs(mb[k] - ma[k]) / ma[k] for k in batches), 1)}
    print(json.dumps({**extra, "pairs": len(keys), "convergence_agree": agree, "both_converged": len(both),
                      "total_time_mape_pct": round(100 * statistics.mean(t), 1) if t else None,
                      "bytes_mape_pct": round(100 * statistics.mean(by), 1) if by else None,
                      "downtime_median_abs_diff_ms": statistics.median(dt) if dt else None}))


if __name__ == "__main__":
    main()
