#!/usr/bin/env bash
# Two short REAL QEMU live migrations (validation/matrix/ci-smoke.json): one that
# converges and one that cannot. Checks each record is complete and that the
# model (tuned on the committed dataset's training split) predicts the outcome
# and lands within a generous bound. Skips (exit 77) only when QEMU cannot boot
# the validation guest at all.
set -u
source "$(dirname "$0")/real_qemu_preamble.sh"
echo "$probe"
"$M" validate record "$SRC/validation/matrix/ci-smoke.json" --out "$T/smoke.jsonl" || {
  echo "FAIL: validate record exited $?"; exit 1; }
train=()
for f in "$SRC"/validation/data/tcg-loopback-quiet*.jsonl; do
  [ -f "$f" ] && train+=("$f")
done
[ ${#train[@]} -gt 0 ] && train=(--train-on "${train[@]}")
"$M" validate report "$T/smoke.jsonl" "${train[@]}" --cases-json "$T/cases.json" || {
  echo "FAIL: validate report exited $?"; exit 1; }
python3 - "$T/smoke.jsonl" "$T/cases.json" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 2, f"expected 2 records, got {len(recs)}"
by = {r["case"]: r for r in recs}
conv, nc = by["smoke-converges"], by["smoke-never-converges"]
for r in recs:
    for k in ("format", "config", "env", "parameters", "capabilities", "qemu", "trajectory", "guest",
              "outcome", "guest_alive_after", "guest_memory"):
        assert k in r, f"{r['case']}: record lacks {k}"
    assert r["env"]["qemu_version"]["major"] >= 7
    assert r["guest"]["calc_dirty_rate"]["status"] == "measured"
    assert len(r["trajectory"]["rows"]) >= 2, "trajectory too short"
    assert r["guest_alive_after"]["alive"], f"{r['case']}: guest not running after the migration"
    g = r["guest_memory"]
    assert g["verified"] is True and g["bad"] == 0 and g["pages"] == round(r["config"]["fill_mib"] * 256), \
        f"{r['case']}: guest memory not verified intact: {g}"
    assert g["where"] == ("dst" if r["outcome"] == "completed" else "src"), g
    assert r["env"]["foreign_cpu_cores"] >= 0, "env.foreign_cpu_cores not measured"
    p = r["parameters"]
    assert p["max-bandwidth"] == round(r["config"]["max_bandwidth_mibps"] * 1048576)
    assert p["downtime-limit"] == r["config"]["downtime_limit_ms"]
assert conv["outcome"] == "completed", conv["outcome"]
q = conv["qemu"]
for k in ("total-time", "downtime", "setup-time"):
    assert k in q, f"completed record lacks {k}"
for k in ("transferred", "duplicate", "normal", "dirty-sync-count", "downtime-bytes"):
    assert k in q["ram"], f"completed record lacks ram.{k}"
assert q["ram"]["dirty-sync-count"] >= 2
assert nc["outcome"] == "not-converged", nc["outcome"]
la = nc["qemu_last_active"]
assert la["total-time"] >= nc["config"]["horizon_s"] * 1000 - 300, la["total-time"]
assert nc["qemu"]["status"] == "cancelled"
cases = {c["case"]: c for c in json.load(open(sys.argv[2]))["cases"]}
c = cases["smoke-converges"]
p, m = c["predicted"]["qemu-precopy"], c["measured"]
assert p["converged"], "model says the converging case does not converge"
ratio = p["total_time_ms"] / m["total_time_ms"]
# Generous: the machine is shared, real times swing up to 2x between repeats under load.
assert 0.33 <= ratio <= 3.0, f"total time off by x{ratio:.2f}"
bratio = p["transferred_bytes"] / m["transferred_bytes"]
assert 0.67 <= bratio <= 1.5, f"bytes off by x{bratio:.2f}"
assert not cases["smoke-never-converges"]["predicted"]["qemu-precopy"]["converged"], \
    "model says the non-converging case converges"
print(f"ok: 2 real migrations recorded; converging case predicted x{ratio:.2f} time, x{bratio:.2f} bytes")
PY
[ $? -eq 0 ] || exit 1

# Ctrl-C in the middle of a migration: exit 130, both QEMUs gone, the work folder
# removed, the dataset exactly as before.
mkdir -p "$T/work"
cp "$T/smoke.jsonl" "$T/before.jsonl"
"$M" validate record "$SRC/validation/matrix/ci-smoke.json" --only smoke-never-converges \
    --out "$T/smoke.jsonl" --work-root "$T/work" 2>"$T/int.log" &
pid=$!
for _ in $(seq 1 600); do grep -q "migrating" "$T/int.log" && break; sleep 0.1; done
kill -INT $pid
wait $pid; rc=$?
fail=0
[ $rc -eq 130 ] || { echo "FAIL: interrupted record exited $rc, expected 130"; cat "$T/int.log"; fail=1; }
sleep 0.5
if pgrep -f "$T/work" >/dev/null; then echo "FAIL: QEMU still running after Ctrl-C"; pgrep -af "$T/work"; fail=1; fi
[ -z "$(ls -A "$T/work")" ] || { echo "FAIL: work folder left behind: $(ls "$T/work")"; fail=1; }
cmp -s "$T/smoke.jsonl" "$T/before.jsonl" || { echo "FAIL: dataset changed by an interrupted run"; fail=1; }
[ $fail -eq 0 ] && echo "ok: Ctrl-C kills both QEMUs, cleans up, leaves the dataset untouched"
exit $fail
