#!/usr/bin/env bash
# One short real web run across a live migration (validation/matrix/ci-web.json): record it
# with `migsim validate record-web`, then check that the request log is complete (every
# request due was sent and has an outcome; count = rate x duration), that the stall at the
# switch-over is visible (the longest stall is at least QEMU's downtime and lies within the
# migration), that requests were answered by the destination after the migration (the
# bridge's FDB entry moved to the destination's tap), that the record follows
# validation/web_record.hpp, and that no namespace or QEMU is left behind.
# Skips (exit 77) only when QEMU cannot boot the guest or namespaces cannot be made.
set -u
source "$(dirname "$0")/real_qemu_preamble.sh"
require_netns msim-w
before=$(leftovers)
mkdir -p "$T/req" "$T/work"
record() {
  "$M" validate record-web "$SRC/validation/matrix/ci-web.json" --out "$T/web.jsonl" --requests-dir "$T/req" \
      --work-root "$T/work" 2>"$T/rec.log"
}
if ! record; then
  # QEMU 7.2's TCG can lose dirty pages even with pti=on (validation/lab/README.md): the guest
  # then panics on the destination and the run is not recorded. That is QEMU's bug, seen once
  # in CI: retried once, and reported; twice in a row fails.
  if grep -q "guest crashed after the migration" "$T/rec.log"; then
    echo "NOTE: the guest crashed after the migration (QEMU TCG); retrying once:"; grep "crashed" "$T/rec.log"
    record || { echo "FAIL: validate record-web exited $? (second try)"; cat "$T/rec.log"; exit 1; }
  else
    echo "FAIL: validate record-web exited 1"; cat "$T/rec.log"; exit 1
  fi
fi
cat "$T/rec.log"
fail=0
[ "$(leftovers)" -eq "$before" ] || { echo "FAIL: namespaces left behind: $(ip netns list | grep '^msim-')"; fail=1; }
if pgrep -f "$T/work" >/dev/null; then echo "FAIL: QEMU still running"; pgrep -af "$T/work"; fail=1; fi
/usr/bin/python3 - "$T/web.jsonl" "$T/req/ci-web.requests.jsonl" "$SRC/validation/matrix/ci-web.json" <<'PY' || fail=1
import json, math, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, f"expected 1 web record, got {len(recs)}"
r = recs[0]
matrix = json.load(open(sys.argv[3]))["defaults"]
# The contract (validation/web_record.hpp).
for k in ["format", "run", "split", "scenario", "app", "load", "migration", "windows", "summary", "env"]:
    assert k in r, f"record lacks {k}"
assert r["format"] == "migsim-web-run/1"
assert r["run"] == "ci-web" and r["split"] == "report" and r["scenario"] == "migrate"
for k in ["arrival_rps", "service_ms", "slo_ms", "timeout_ms", "work"]:
    assert k in r["app"], f"app lacks {k}"
for k in ["duration_s", "requests", "migration_at_s"]:
    assert k in r["load"], f"load lacks {k}"
for k in ["recorded_at", "host_cpus", "host_load_1min_start", "host_load_1min_end", "foreign_cpu_cores",
          "kernel_version", "qemu_version", "image_id"]:
    assert k in r["env"], f"env lacks {k}"
mig = r["migration"]
rec = mig["record"]
assert rec["format"] == "migsim-validation-record/1" and rec["outcome"] == "completed", rec.get("outcome")
assert rec["guest_alive_after"]["alive"], f"guest not healthy after: {rec['guest_alive_after']}"
wins = r["windows"]
for k in ["t_s", "sent", "completed", "errors", "timeouts", "p50_ms", "p99_ms", "max_ms", "throughput_rps",
          "host_cpu_pct"]:
    assert k in wins[0], f"window lacks {k}"
assert all(abs(w["t_s"] - 0.1 * i) < 1e-6 for i, w in enumerate(wins)), "windows are not 0.1 s apart from 0"
assert sum(w["host_cpu_pct"] is not None for w in wins) >= 0.8 * len(wins), "host CPU missing in most windows"
s = r["summary"]
for k in ["requests", "completed", "errors", "timeouts", "requests_over_slo", "p50_ms", "p99_ms", "max_ms",
          "max_stall_ms", "p99_during_ms"]:
    assert k in s, f"summary lacks {k}"

# The request log is complete: rate x duration requests, each with an outcome, all due sends.
expected = math.ceil(matrix["arrival_rps"] * matrix["duration_s"] - 1e-9)
log = [json.loads(l) for l in open(sys.argv[2])]
assert len(log) == expected == r["load"]["requests"] == s["requests"], (len(log), expected, s["requests"])
assert all(q["outcome"] in ("ok", "timeout", "error") and q["done_s"] >= q["send_s"] for q in log)
assert sum(w["sent"] for w in wins) == expected
assert s["completed"] + s["errors"] + s["timeouts"] == expected
assert s["errors"] == 0, f"{s['errors']} errors"
for i, q in enumerate(log):
    assert abs(q["send_s"] - i / matrix["arrival_rps"]) < 1e-6, f"request {i} not sent when due"

# The stall at the switch-over: at least QEMU's downtime, and inside the migration.
downtime = rec["qemu"]["downtime"]
assert s["max_stall_ms"] >= downtime, f"max stall {s['max_stall_ms']} ms < downtime {downtime} ms"
ok = sorted((q for q in log if q["outcome"] == "ok"), key=lambda q: q["done_s"])
gaps = [(b["done_s"] - a["done_s"], a["done_s"], b["done_s"]) for a, b in zip(ok, ok[1:])]
gap, g0, g1 = max(gaps)
assert mig["start_s"] - 0.05 <= g1 and g0 <= mig["end_s"] + 0.5, \
    f"longest gap between answers [{g0:.3f}, {g1:.3f}] s is outside the migration [{mig['start_s']:.3f}, {mig['end_s']:.3f}] s"
# Answered after the migration: by the destination, through the bridge's moved FDB entry.
after = [q for q in ok if q["send_s"] > mig["end_s"] + 0.5]
assert len(after) >= 0.9 * (matrix["duration_s"] - mig["end_s"] - 0.5) * matrix["arrival_rps"], "few answers after"
assert r["env"]["fdb_port_before"] == "mwsrc" and r["env"]["fdb_port_after"] == "mwdst", \
    (r["env"]["fdb_port_before"], r["env"]["fdb_port_after"])
print(f"ok: {expected} requests, p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, max stall "
      f"{s['max_stall_ms']:.0f} ms >= downtime {downtime} ms, at [{g0:.2f}, {g1:.2f}] s within the migration "
      f"[{mig['start_s']:.2f}, {mig['end_s']:.2f}] s; FDB mwsrc -> mwdst")
PY

# Ctrl-C while the guests boot: exit 130, no QEMU, no namespace, dataset untouched.
cp "$T/web.jsonl" "$T/before.jsonl"
"$M" validate record-web "$SRC/validation/matrix/ci-web.json" --out "$T/web.jsonl" --work-root "$T/work" \
    2>"$T/int.log" &
pid=$!
for _ in $(seq 1 300); do ip netns list | grep -q "^msim-w$pid-" && break; sleep 0.1; done
sleep 1
interrupt_and_check $pid "$T/web.jsonl" "$T/int.log"
[ $fail -eq 0 ] && echo "ok: Ctrl-C kills both QEMUs and removes the namespace"
exit $fail
