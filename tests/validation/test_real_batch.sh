#!/usr/bin/env bash
# Two light guests migrated TOGETHER over one tc-shaped veth link between two
# network namespaces (validation/matrix/ci-batch-smoke.json), end to end:
# record, check the batch record, score it with `validate report`, and check
# that nothing is left behind (namespace, qdisc, QEMU), also after Ctrl-C.
# Skips (exit 77) only when QEMU cannot boot the guest or namespaces cannot be made.
set -u
source "$(dirname "$0")/real_qemu_preamble.sh"
require_netns msim-s
before=$(leftovers)
"$M" validate record "$SRC/validation/matrix/ci-batch-smoke.json" --out "$T/batch.jsonl" || {
  echo "FAIL: validate record exited $?"; exit 1; }
fail=0
[ "$(leftovers)" -eq "$before" ] || { echo "FAIL: namespaces left behind: $(ip netns list | grep '^msim-')"; fail=1; }
python3 - "$T/batch.jsonl" <<'PY' || fail=1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, f"expected 1 batch record, got {len(recs)}"
b = recs[0]
assert b["format"] == "migsim-validation-batch/1"
assert b["link"]["rate_mbit"] == 200 and b["link"]["qdisc"] == "tbf"
ms = b["migrations"]
assert len(ms) == 2
sent = b["link"]["tc_stats"]["bytes"]
total = sum(m["qemu"]["ram"]["transferred"] for m in ms)
assert sent >= total, f"the shaped link carried {sent} bytes, less than the {total} QEMU sent: not on the link?"
for m in ms:
    assert m["outcome"] == "completed", m["outcome"]
    assert m["guest_alive_after"]["alive"], f"{m['case']}: guest not healthy after"
    assert m["start_s"] < 1.0
    assert len(m["trajectory"]["rows"]) >= 2
    # 200 Mbit/s shared by two: neither can have gone faster than the whole link.
    rate = m["qemu"]["ram"]["transferred"] * 8 / (m["qemu"]["total-time"] / 1000) / 1e6
    assert rate <= 200 * 1.02, f"{m['case']}: {rate:.0f} Mbit/s through a 200 Mbit/s link"
assert b["makespan_s"] >= max(m["qemu"]["total-time"] for m in ms) / 1000 - 0.01
print(f"ok: batch recorded, makespan {b['makespan_s']:.2f} s, link carried {sent/1e6:.1f} MB")
PY
"$M" validate report "$T/batch.jsonl" --json > "$T/report.json" || { echo "FAIL: validate report exited $?"; fail=1; }
python3 - "$T/report.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
assert r["batches"] == 1 and r["migrations"] == 2, r
assert r["convergence_correct"] == 2, r
# Generous: the CI machine is shared; the model tuned on a quiet host.
assert r["makespan_mape_pct"] <= 60, f"makespan off by {r['makespan_mape_pct']} %"
assert set(r["baselines"]) == {"maxmin-fixed", "nic-split-fixed", "ram-over-bw"}
print(f"ok: makespan error {r['makespan_mape_pct']:.1f} %")
PY

# Ctrl-C while the migrations run: exit 130, no QEMU, no namespace, dataset untouched.
mkdir -p "$T/work"
cp "$T/batch.jsonl" "$T/before.jsonl"
"$M" validate record "$SRC/validation/matrix/ci-batch-smoke.json" --out "$T/batch.jsonl" \
    --work-root "$T/work" 2>"$T/int.log" &
pid=$!
for _ in $(seq 1 900); do grep -q "guests ready" "$T/int.log" && break; sleep 0.1; done
sleep 1
interrupt_and_check $pid "$T/batch.jsonl" "$T/int.log"
[ $fail -eq 0 ] && echo "ok: Ctrl-C kills every QEMU and removes both namespaces"
exit $fail
