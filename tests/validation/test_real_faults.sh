#!/usr/bin/env bash
# Faults in REAL migrations (validation/matrix/faults.json, issue 13): the destination or
# the source QEMU killed, the destination refusing the connection, the namespace link
# dropping every packet or going down. Each must be a failed record with its reason; the
# source (unless it was the one killed) still runs its guest, which checks its memory
# intact; the killed source's destination ends by itself; no QEMU, work folder or
# namespace is left. Skips (exit 77) when QEMU cannot boot the guest or namespaces cannot be made.
set -u
source "$(dirname "$0")/real_qemu_preamble.sh"
require_netns msim-
echo "$probe"
before=$(leftovers)
mkdir -p "$T/work"
start=$(date +%s)
"$M" validate record "$SRC/validation/matrix/faults.json" --out "$T/faults.jsonl" --work-root "$T/work" \
    2>"$T/rec.log" >"$T/rec.out" || { echo "FAIL: validate record exited $?"; cat "$T/rec.log"; exit 1; }
echo "5 faulted migrations recorded in $(( $(date +%s) - start )) s"
grep -q "^recorded 5 migrations into .* (5 failed)$" "$T/rec.out" || { echo "FAIL: summary"; cat "$T/rec.out"; exit 1; }
python3 - "$T/faults.jsonl" <<'PY'
import json, sys
recs = {r["case"]: r for r in map(json.loads, open(sys.argv[1]))}
assert len(recs) == 5, sorted(recs)
want = {"fault-kill-destination": "destination QEMU killed: ",
        "fault-kill-source": "source QEMU killed",
        "fault-refuse-connection": "destination refused the connection: ",
        "fault-drop-packets": "link dropping packets: no progress for 3 s, cancelled",
        "fault-link-down": "link down: no progress for 3 s, cancelled"}
for name, reason in want.items():
    r = recs[name]
    assert r["outcome"] == "failed", (name, r["outcome"])
    assert r["failure_reason"].startswith(reason), (name, r["failure_reason"])
    assert r["fault"]["kind"] == name[len("fault-"):] and r["fault"]["injected"], (name, r["fault"])
    if name == "fault-kill-source":
        assert r["fault"]["destination_after"]["exited"], (name, r["fault"])
        assert "guest_alive_after" not in r and "guest_memory" not in r, name
        continue
    a = r["guest_alive_after"]
    assert a["where"] == "src" and a["run_state"] == "running" and a["alive"], (name, a)
    g = r["guest_memory"]
    assert g["where"] == "src" and g["verified"] and g["bad"] == 0, (name, g)
    assert r["qemu"]["status"] == ("cancelled" if "link" in name or "drop" in name else "failed"), (name, r["qemu"]["status"])
    if name != "fault-refuse-connection":
        assert r["fault"]["injected_at_ms"] >= 1000, (name, r["fault"])
for name in ("fault-drop-packets", "fault-link-down"):
    assert recs[name]["env"]["transport"] == "tcp-veth-netns", recs[name]["env"]["transport"]
print("ok: " + "; ".join(f"{n}: {recs[n]['failure_reason'][:60]}" for n in want))
PY
[ $? -eq 0 ] || exit 1
fail=0
if pgrep -f "$T/work" >/dev/null; then echo "FAIL: QEMU left running"; pgrep -af "$T/work"; fail=1; fi
[ -z "$(ls -A "$T/work")" ] || { echo "FAIL: work folder left behind: $(ls "$T/work")"; fail=1; }
[ "$(leftovers)" -eq "$before" ] || { echo "FAIL: namespaces left: $(ip netns list | grep '^msim-')"; fail=1; }
if tc qdisc show | grep -q netem; then echo "FAIL: a netem qdisc in the root namespace"; fail=1; fi
out=$("$M" validate report "$T/faults.jsonl" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "no records" || { echo "FAIL: report of a failed-only dataset: rc $rc: $out"; fail=1; }
[ $fail -eq 0 ] && echo "ok: no QEMU, work folder, namespace or qdisc left; the report refuses a failed-only dataset"
exit $fail
