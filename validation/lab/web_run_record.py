"""A lab web run as a web-run dataset record (format migsim-web-run/1, validation/web_record.hpp),
so that `migsim validate report` scores the policy-triggered runs of the libvirt lab
(tests/libvirt/test_lab_web_control.sh) like the harness's own.

The migration's numbers come from libvirt's completed-job stats (`migsim control --log`'s
migration record, live/libvirt_migration.cpp to_json) mapped onto the QEMU query-migrate names
the record format uses; its start on the load's clock is control's report time minus the
client's wall time of the migration call (control and the load generator start within ~0.1 s of
each other: that is the placement error of the phases). The requests are the load generator's
(`migsim validate load --json --requests-out`).
"""
import json
import math


def _percentile(values, q):
    """Nearest rank, as models/request_log.cpp."""
    if not values:
        return None
    v = sorted(values)
    return v[max(0, math.ceil(q * len(v)) - 1)]


def web_run_record(run, split, guest, load, requests, migration, migration_report_t_s, env):
    """run: the run's name; split: train|report; guest: the web guest's configuration (the
    validation-case keys: ram_mib, fill_mib, wss_mib, dirty_pages_per_sec, dirty_pattern,
    max_bandwidth_mibps, downtime_limit_ms, cpuload, ...); load: `validate load --json`'s
    document; requests: its request log (dicts with send_s, done_s, outcome); migration:
    control's migration record; migration_report_t_s: when control reported it (its "t");
    env: free-form notes (recorded_at, host load, topology)."""
    start_s = migration_report_t_s - migration["wall_ms"] / 1000.0
    end_s = start_s + migration["total_ms"] / 1000.0
    during = [(r["done_s"] - r["send_s"]) * 1000.0 for r in requests
              if start_s <= r["send_s"] < end_s and r["outcome"] in ("ok", "timeout")]
    case_split = "train" if split == "train" else "test"  # the migration record's own names
    config = dict(guest)
    config.update({"name": run, "split": case_split, "accel": "tcg", "repeats": 1})
    qemu = {"downtime": migration["downtime_ms"], "setup-time": migration["setup_ms"], "status": "completed",
            "total-time": migration["total_ms"],
            "ram": {"transferred": migration["memory_processed_bytes"], "normal": migration["normal_pages"],
                    "duplicate": migration["constant_pages"], "dirty-sync-count": int(migration["iterations"])}}
    record = {"format": "migsim-validation-record/1", "case": run, "config": config, "outcome": "completed",
              "qemu": qemu, "repeat": 1, "split": case_split,
              "env": {"transport": "libvirt lab (virDomainMigrate3 over the hosts' veth)", "accel": "tcg"}}
    summary = dict(load["summary"])
    summary["p99_during_migration_ms"] = _percentile(during, 0.99)
    windows = []
    for w in load["windows"]:
        w = dict(w)
        w["host_cpu_pct"] = None  # not measured in the lab
        windows.append(w)
    return {"format": "migsim-web-run/1", "run": run, "split": split, "scenario": "policy",
            "app": {"arrival_rps": load["rate_rps"], "service_ms": None, "slo_ms": load["slo_ms"],
                    "timeout_ms": load["timeout_ms"]},
            "load": {"duration_s": load["duration_s"], "requests": summary["requests"], "migration_at_s": None},
            "migration": {"start_s": start_s, "end_s": end_s, "record": record},
            "windows": windows, "summary": summary, "env": env}


def append_record(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")
