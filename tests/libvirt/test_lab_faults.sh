#!/usr/bin/env bash
# Faults under live control, in the two-host lab (validation/lab/lab, prefix migsim-ci):
# `migsim control` starts a migration of f1 a -> b and the destination's libvirtd is
# killed mid-migration (`lab libvirtd b kill`): control reports the host lost and the
# migration failed, keeps deciding, checks f1 (runs once, on a, not paused); libvirtd b
# is started again and control reports it back; a domain started on b while control
# runs is picked up, and dropped when destroyed. Meanwhile `migsim capture` records
# both hosts; host a's libvirtd is restarted under it: the trace gets "gap" events for
# f1 and `migsim replay` reads it. Exit 77 (skip) only when the lab cannot start at all.
set -euo pipefail
source "$(dirname "$0")/lab_test_preamble.sh"
fail() { echo "FAIL: $*"; [ -f "$work/control.txt" ] && tail -30 "$work/control.txt"; exit 1; }

require_lab

work=$(mktemp -d)
cap="" ctl=""
cleanup() { stop_and_down $ctl $cap; }
trap cleanup EXIT

serial_has() { "$lab" serial "$1" "$2" 2>/dev/null | grep -q "$3"; }

say "lab up"
lab_up
say "guest f1 (256 MiB, 60 % CPU load)"
"$lab" define f1 --memory-mib 256 --append "migsim.rate=200 migsim.wss_mib=8 migsim.fill_mib=64 migsim.cpuload=60@0"
guest_ready f1 90 || fail "f1 did not boot"

say "capture both hosts, control both hosts"
"$lab" exec "$MIGSIM" capture --connect "$A" --connect "$B" --interval 1s --dirtyrate-every 0 \
  --out "$work/trace.jsonl" 2>"$work/capture.err" &
cap=$!
cat >"$work/rules.json" <<'JSON'
{"type": "rules", "rules": [{"when": "cpu > 0.35", "for_samples": 2}], "selection": "mmt",
 "admission": {"max_concurrent_per_host": 1, "vm_cooldown_s": 600}}
JSON
"$lab" exec "$MIGSIM" control --policy "$work/rules.json" --host-cpus 1 --connect "$A" --connect "$B" \
  --bandwidth 16 --dirtyrate-every 0 --duration 80 --log "$work/control.jsonl" >"$work/control.txt" 2>&1 &
ctl=$!
wait_for "$work/control.txt" "DECISION migrate f1 migsim-ci-a -> migsim-ci-b" 20 || fail "no migration decided"
sleep 1
say "kill host b's libvirtd during the migration"
"$lab" libvirtd b kill
wait_for "$work/control.txt" "HOST LOST migsim-ci-b" 10 || fail "control did not report host b lost"
wait_for "$work/control.txt" "MIGRATION FAILED f1 migsim-ci-a -> migsim-ci-b" 60 || fail "the failed migration was not reported"
wait_for "$work/control.txt" "CHECK f1: runs once, on migsim-ci-a" 5 || fail "no check of f1 after the failure"
kill -0 "$ctl" || fail "control stopped"
n_before=$(grep -c "migsim-ci-a cpu=" "$work/control.txt")
sleep 3
n_after=$(grep -c "migsim-ci-a cpu=" "$work/control.txt")
[ "$n_after" -ge $(( n_before + 2 )) ] || fail "control stopped deciding while host b was away ($n_before -> $n_after)"
say "start host b's libvirtd again"
"$lab" libvirtd b start
wait_for "$work/control.txt" "HOST BACK migsim-ci-b" 25 || fail "control did not report host b back"

say "a domain appears on b while control runs, then is destroyed"
"$lab" define f2 --host b --memory-mib 128 --append "migsim.rate=0"
wait_for "$work/control.txt" "domain f2 appeared on migsim-ci-b: managed from now" 10 || fail "f2 not picked up"
"$lab" virsh b destroy f2 >/dev/null
f2_seen() {  # what host b and control saw of f2, for a failure's report
  echo "--- host b: list --all"; "$lab" virsh b list --all 2>&1 || true
  echo "--- host b: domstats --state f2"; "$lab" virsh b domstats --state f2 2>&1 || true
  echo "--- control.jsonl records naming f2 (last 10)"; grep '"f2"' "$work/control.jsonl" 2>/dev/null | tail -10 || true
}
wait_for "$work/control.txt" "domain f2 gone from migsim-ci-b" 10 || { f2_seen; fail "f2's end not reported"; }

say "stop control (SIGINT)"
kill -INT "$ctl"
set +e; wait "$ctl"; rc=$?; set -e; ctl=""
[ "$rc" -eq 1 ] || fail "control exit $rc (expected 1: a migration failed)"
grep -v "cpu=" "$work/control.txt"
python3 - "$work/control.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
mig = [r["migration"] for r in recs if "migration" in r]
assert len(mig) == 1 and not mig[0]["ok"] and mig[0]["error"], mig
checks = [r["check"] for r in recs if "check" in r]
assert checks and all(c["verdict"] == "runs-once" and c["runs_on"] == "migsim-ci-a" for c in checks), checks
ev = [r["event"] for r in recs if "event" in r]
for e in ("host-lost", "host-back", "domain-appeared", "domain-gone"):
    assert e in ev, (e, ev)
print("control log ok: failure reason:", mig[0]["error"])
PY
[ "$("$lab" virsh a domstate f1)" = running ] || fail "f1 is not running on a: $("$lab" virsh a domstate f1 --reason)"
"$lab" virsh b domstate f1 >/dev/null 2>&1 && fail "f1 is (also) on b: $("$lab" virsh b domstate f1 --reason)"
hb=$("$lab" serial f1 a | grep -c MIGSIM-HB)
sleep 2
[ "$("$lab" serial f1 a | grep -c MIGSIM-HB)" -gt "$hb" ] || fail "f1's heartbeat stopped"

say "restart host a's libvirtd under the capture"
"$lab" libvirtd a kill
sleep 3
"$lab" libvirtd a start
wait_for "$work/capture.err" "host migsim-ci-a back after" 20 || fail "capture did not reconnect: $(cat "$work/capture.err")"
sleep 2
kill -INT "$cap"; wait "$cap"; cap=""
cat "$work/capture.err"
[ "$("$lab" virsh a domstate f1)" = running ] || fail "f1 not running after libvirtd a restarted"
python3 - "$work/trace.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
gaps = [r for r in recs if r["type"] == "event" and r["event"] == "gap"]
g = [r for r in gaps if r["domain"] == "f1" and r["host"] == "migsim-ci-a"]
assert g and g[0]["detail"]["host_back"] and 2 <= g[0]["detail"]["to_t"] - g[0]["detail"]["from_t"] < 30, gaps
s = [r["t"] for r in recs if r["type"] == "sample" and r["domain"] == "f1" and r["host"] == "migsim-ci-a"]
inside = [t for t in s if g[0]["detail"]["from_t"] < t < g[0]["detail"]["to_t"]]
assert not inside and any(t > g[0]["detail"]["to_t"] for t in s), (inside, s[-3:])
print("trace gap ok:", g[0]["detail"]["from_t"], "->", g[0]["detail"]["to_t"])
PY
"$MIGSIM" replay "$work/trace.jsonl" --policy "$work/rules.json" --host-cpus 1 >/dev/null || fail "replay rejected the trace with a gap"

say "lab down"
"$lab" down
ip netns list | grep -q "migsim-ci-" && fail "namespaces left behind"
say "PASS"
