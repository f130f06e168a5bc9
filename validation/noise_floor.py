#!/usr/bin/python3
"""Noise floor of real migrations: the same matrix recorded twice (two datasets).

Usage: validation/noise_floor.py A.jsonl B.jsonl
Pairs records by (case, repeat) and reports, over pairs that converged both times, the
MAPE of B's total time / transferred bytes against A's and the median |downtime A - B|,
plus how often the convergence outcome agreed. No model can beat this on this machine.
"""
import json
import statistics
import sys


def load(path):
    out = {}
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            q = r["qemu"] if r["outcome"] == "completed" else r["qemu_last_active"]
            out[(r["case"], r["repeat"])] = (r["outcome"] == "completed", q)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: noise_floor.py A.jsonl B.jsonl")
    a, b = load(sys.argv[1]), load(sys.argv[2])
    keys = sorted(set(a) & set(b))
    agree = sum(a[k][0] == b[k][0] for k in keys)
    both = [k for k in keys if a[k][0] and b[k][0]]
    t = [abs(b[k][1]["total-time"] - a[k][1]["total-time"]) / a[k][1]["total-time"] for k in both]
    by = [abs(b[k][1]["ram"]["transferred"] - a[k][1]["ram"]["transferred"]) / a[k][1]["ram"]["transferred"]
          for k in both]
    dt = [abs(b[k][1]["downtime"] - a[k][1]["downtime"]) for k in both]
    print(json.dumps({"pairs": len(keys), "convergence_agree": agree, "both_converged": len(both),
                      "total_time_mape_pct": round(100 * statistics.mean(t), 1) if t else None,
                      "bytes_mape_pct": round(100 * statistics.mean(by), 1) if by else None,
                      "downtime_median_abs_diff_ms": statistics.median(dt) if dt else None}))


if __name__ == "__main__":
    main()
