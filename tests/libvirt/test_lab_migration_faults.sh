#!/usr/bin/env bash
# Faults in real migrations in the two-host lab (issue 13 item 5), each through
# `migsim live-migrate` of one guest f1 from host a to host b:
#   refuse-connection  the destination's libvirtd is down (connection refused)
#   kill-destination   the destination's QEMU is killed (SIGKILL) mid-migration
#   drop-packets       host a's packets to b are dropped (tc), the stall is detected
#   link-down          host b's end of the link goes down and stays down until live-migrate
#                      returned: the stall is detected, the destination's connection fails by
#                      keepalive, host b cleans its incoming QEMU up by itself
#   control            `migsim control` (--stall-timeout 4) migrates f1 and host a's packets are
#                      dropped: the migration is cancelled, reported failed with the stall as its
#                      reason, and f1 is checked running on a
#   kill-source        the source's QEMU is killed mid-migration (the guest is lost)
# Each must give exit 1, a JSON report with ok=false and its reason, the guest running once
# on a (not paused, its memory intact: `lab verify`) but for kill-source, no QEMU of f1 left on b; at the end no namespace,
# qdisc or QEMU of the lab. Exit 77 (skip) only when the lab cannot start at all.
set -euo pipefail
source "$(dirname "$0")/lab_test_preamble.sh"
fail() { echo "FAIL: $*"; for f in "$work"/*.err; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

require_lab tc

work=$(mktemp -d)
mig=""
cleanup() {
  [ -n "$mig" ] && kill -INT "$mig" 2>/dev/null && wait "$mig" || true
  "$lab" link restore >/dev/null 2>&1 || true
  "$lab" link up >/dev/null 2>&1 || true
  "$lab" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

heartbeats() { "$lab" serial f1 a 2>/dev/null | grep -c MIGSIM-HB || true; }
no_qemu_on() {  # no_qemu_on HOST SECONDS: the host's QEMU of f1 is gone within that time
  local i
  for i in $(seq 1 $(( $2 * 5 ))); do
    "$lab" qemu "$1" f1 pid >/dev/null 2>&1 || return 0
    sleep 0.2
  done
  return 1
}
start_migration() {  # start_migration NAME [FLAGS...]: live-migrate f1 a -> b in the background
  local name=$1; shift
  "$lab" exec "$MIGSIM" live-migrate f1 --from "$A" --to "$B" --bandwidth 8 --keep-source \
    --json-out "$work/$name.json" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  mig=$!
}
returns_within() {  # returns_within SECONDS: the migration in the background has ended by then
  local i
  for i in $(seq 1 $(( $1 * 5 ))); do
    kill -0 "$mig" 2>/dev/null || return 0
    sleep 0.2
  done
  return 1
}
wait_migration() {  # wait_migration NAME: exit status must be 1 (a failed migration)
  local rc
  set +e; wait "$mig"; rc=$?; set -e; mig=""
  [ "$rc" -eq 1 ] || fail "$1: live-migrate exit $rc (expected 1)"
}
wait_started() {  # wait_started NAME: the destination's QEMU runs and 2 MiB or more were sent
  local i
  for i in $(seq 1 150); do
    "$lab" qemu b f1 pid >/dev/null 2>&1 && grep -Eq "processed +([2-9]|[1-9][0-9]+)\.[0-9] MiB" "$work/$1.err" && return 0
    sleep 0.2
  done
  fail "$1: the migration did not start"
}
check_report() {  # check_report NAME REASON_PREFIX GUEST_PREFIX (an empty prefix: any non-empty text)
  python3 - "$work/$1.json" "$2" "$3" <<'PY' || fail "$1: report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is False, r["ok"]
assert r["error"] and r["error"].startswith(sys.argv[2]), ("reason", r["error"])
a = r["after_failure"]
assert a["guest"].startswith(sys.argv[3]), ("guest", a)
print(f"  reason: {r['error']}\n  guest: {a['guest']}; source {a['source_state']}, destination {a['destination_state']}")
PY
}
guest_alive_on_a() {  # guest_alive_on_a NAME: running (not paused) on a, heartbeat going, not on b
  local hb
  [ "$("$lab" virsh a domstate f1)" = running ] || fail "$1: f1 on a is $("$lab" virsh a domstate f1 --reason)"
  no_qemu_on b 15 || fail "$1: a QEMU of f1 is left on b"
  if "$lab" virsh b domstate f1 >/dev/null 2>&1; then
    [ "$("$lab" virsh b domstate f1)" = "shut off" ] || fail "$1: f1 on b is $("$lab" virsh b domstate f1)"
  fi
  hb=$(heartbeats)
  sleep 2
  [ "$(heartbeats)" -gt "$hb" ] || fail "$1: f1's heartbeat stopped"
  [ "$("$lab" serial f1 a | grep -c MIGSIM-READY)" -eq 1 ] || fail "$1: f1 rebooted"
  line=$("$lab" verify f1 a) || fail "$1: f1's memory check on a: $line"
  echo "  memory on a: $line"
}

say "lab up"
lab_up
say "guest f1 (256 MiB, 64 MiB filled, dirtying 8 MiB)"
"$lab" define f1 --memory-mib 256 --append "migsim.rate=200 migsim.wss_mib=8 migsim.fill_mib=64"
guest_ready f1 90 || fail "f1 did not boot"

say "refuse-connection: host b's libvirtd is down"
"$lab" libvirtd b kill
start_migration refuse
wait_migration refuse
check_report refuse "destination refused: cannot connect to '$B'" "runs once, on $A"
guest_alive_on_a refuse
"$lab" libvirtd b start

say "kill-destination: host b's QEMU killed mid-migration"
start_migration kill-dst
wait_started kill-dst
"$lab" qemu b f1 kill
wait_migration kill-dst
check_report kill-dst "" "runs once, on $A"
guest_alive_on_a kill-dst

for fault in drop down; do
  name=link-$fault
  say "$name: the link (tc qdisc / ip link down), stall detected after 4 s"
  start_migration "$name" --stall-timeout 4
  wait_started "$name"
  "$lab" link "$fault"
  wait_for "$work/$name.err" "no data sent for 4 s: cancelling" 30 || fail "$name: no stall reported"
  if [ "$fault" = drop ]; then
    # A short drop: the link comes back and the cancel reaches the destination.
    sleep 2
    "$lab" link restore
  else
    # The link stays down: the destination's connection fails by keepalive (5 s x 6).
    returns_within 60 || fail "$name: live-migrate still waits 60 s after the stall, link down"
    say "$name: live-migrate returned with the link down"
  fi
  wait_migration "$name"
  [ "$fault" = down ] && "$lab" link up
  check_report "$name" "no data sent for 4 s" "runs once, on $A"
  python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['stalled'] is True" "$work/$name.json" ||
    fail "$name: stalled is not true"
  guest_alive_on_a "$name"
done
[ -z "$(tc -n migsim-ci-a qdisc show dev migsim-c-va | grep -E 'netem|pfifo')" ] || fail "a qdisc of ours is left"

say "control, link-drop: migsim control's migration stalls, is cancelled after 4 s and is a failure"
cat >"$work/any-cpu.json" <<'JSON'
{"type": "rules", "rules": [{"when": "cpu >= 0", "for_samples": 1}], "selection": "mmt",
 "admission": {"max_concurrent_per_host": 1, "vm_cooldown_s": 600}}
JSON
"$lab" exec "$MIGSIM" control --policy "$work/any-cpu.json" --host-cpus 1 --connect "$A" --connect "$B" \
  --bandwidth 8 --stall-timeout 4 --dirtyrate-every 0 --max-migrations 1 --duration 90 \
  >"$work/control.err" 2>&1 &
mig=$!
for i in $(seq 1 150); do "$lab" qemu b f1 pid >/dev/null 2>&1 && break; sleep 0.2; done
"$lab" qemu b f1 pid >/dev/null 2>&1 || fail "control: the migration did not start"
sleep 1
"$lab" link drop
sleep 6  # the 4 s stall and 2 s more, as for live-migrate above
"$lab" link restore
returns_within 60 || fail "control: still running 60 s after the link came back"
wait_migration control
grep -q "MIGRATION FAILED f1 migsim-ci-a -> migsim-ci-b.*no data sent for 4 s" "$work/control.err" ||
  fail "control: no failed migration with the stall as its reason"
grep -q "CHECK f1: runs once, on migsim-ci-a" "$work/control.err" || fail "control: no check of f1 on a"
# The stall is said when it is detected (a NOTICE line), before the failure.
notice_at=$(grep -n "NOTICE f1: no data sent for 4 s: cancelling the migration" "$work/control.err" | head -1 | cut -d: -f1 || true)
failed_at=$(grep -n "MIGRATION FAILED f1" "$work/control.err" | head -1 | cut -d: -f1 || true)
[ -n "$notice_at" ] && [ "$notice_at" -lt "$failed_at" ] || fail "control: no NOTICE of the stall before its failure"
grep -E "NOTICE f1|MIGRATION FAILED" "$work/control.err" | sed 's/^/  /'
guest_alive_on_a control
[ -z "$(tc -n migsim-ci-a qdisc show dev migsim-c-va | grep -E 'netem|pfifo')" ] || fail "a qdisc of ours is left"

say "kill-source: host a's QEMU killed mid-migration (the guest is lost)"
start_migration kill-src
wait_started kill-src
"$lab" qemu a f1 kill
wait_migration kill-src
check_report kill-src "" "MISSING on every host"
python3 - "$work/kill-src.json" <<'PY' || fail "kill-src: after_failure"
import json, sys
a = json.load(open(sys.argv[1]))["after_failure"]
assert a["guest_lost"] is True and a["source_state"].startswith("shut off"), a
PY
no_qemu_on b 15 || fail "kill-src: the destination's QEMU is left"
no_qemu_on a 1 || fail "kill-src: a QEMU of f1 is left on a"

say "lab down: nothing left"
"$lab" down
ip netns list | grep -q "^migsim-ci-" && fail "a namespace is left: $(ip netns list)"
pgrep -f -- "-name guest=f1," >/dev/null && fail "a QEMU of f1 is left"
say "ok"
