#!/usr/bin/env bash
# A web guest reachable before, during and after a live migration in the two-host lab
# (issue 12 item 2): the web guest w1 (10.78.0.10) on the guests' network (a switch namespace
# bridging both hosts and the client namespace), an open-loop request stream from the client
# namespace (`migsim validate load`, 40 req/s for 24 s), `migsim live-migrate` a -> b in the
# middle. Checks: every request sent; nearly all answered; the requests sent after the
# migration are all answered (the address moved with the guest: QEMU's announce-self); the
# longest stall is bounded; the guest runs on b with its memory intact. Exit 77 = skipped.
set -euo pipefail
source "$(dirname "$0")/lab_test_preamble.sh"
fail() { echo "FAIL: $*"; for f in "$work"/*.err; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

require_lab
work=$(mktemp -d)
load=""
cleanup() {
  [ -n "$load" ] && kill -INT "$load" 2>/dev/null && wait "$load" || true
  "$lab" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

lab_up
say "web guest w1 (10.78.0.10, 256 MiB, 32 MiB filled, 500 page writes/s)"
"$lab" define w1 --web --ip 10.78.0.10 --memory-mib 256 --append "migsim.rate=500 migsim.wss_mib=16 migsim.fill_mib=32"
web_ready w1 120 || { "$lab" serial w1 a | tail -5; fail "w1's web server did not start"; }
"$lab" serial w1 a | grep MIGSIM-WEB-NET

say "reachable on a from the client namespace (a guest just booted under TCG is slow at first)"
web_reachable 10.78.0.10 "$work/before.json" || fail "w1 not answering on a: $(head -c 600 "$work/before.json")"

say "open-loop stream (40 req/s, 24 s), live-migrate a -> b after 6 s"
"$lab" client "$MIGSIM" validate load 10.78.0.10:80/ --rate 40 --duration 24 --timeout-ms 5000 \
  --allow 10.78.0.0/24 --json --requests-out "$work/requests.jsonl" >"$work/load.json" 2>"$work/load.err" &
load=$!
t_load=$(date +%s.%N)
sleep 6
t_mig=$(date +%s.%N)
"$lab" exec "$MIGSIM" live-migrate w1 --from "$A" --to "$B" --bandwidth 32 --json-out "$work/mig.json" --quiet \
  >"$work/mig.out" 2>"$work/mig.err" || fail "live-migrate: exit $?"
t_end=$(date +%s.%N)
set +e; wait "$load"; rc=$?; set -e; load=""
[ "$rc" -eq 0 ] || fail "load: exit $rc"
[ "$("$lab" virsh b domstate w1)" = running ] || fail "w1 not running on b"

python3 - "$work/load.json" "$work/requests.jsonl" "$work/mig.json" "$t_load" "$t_mig" "$t_end" <<'PY' || fail "requests"
import json, sys
load = json.load(open(sys.argv[1]))
mig = json.load(open(sys.argv[3]))
t_load, t_mig, t_end = (float(x) for x in sys.argv[4:7])
s = load["summary"]
reqs = [json.loads(l) for l in open(sys.argv[2])]
assert s["requests"] == 960, ("requests sent", s["requests"])
assert s["completed"] >= 0.97 * s["requests"], ("answered", s, load["failures"])
# Requests due from 2 s after live-migrate returned on must all be answered: the guest is
# reachable at the same address on b.
after = t_end - t_load + 2.0
late = [r for r in reqs if r["send_s"] >= after]
assert len(late) >= 40, ("too few requests after the migration", len(late), after)
bad = [r for r in late if r["outcome"] != "ok"]
assert not bad, ("requests after the migration failed", bad[:3])
assert s["max_stall_ms"] < 5000, ("stall", s["max_stall_ms"])
print(f"ok: {s['requests']} requests, {s['completed']} ok, p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, "
      f"longest stall {s['max_stall_ms']:.0f} ms; migration {mig['total_ms']:.0f} ms, downtime {mig['downtime_ms']:.0f} ms; "
      f"{len(late)} requests after it, all ok")
PY
mem=$("$lab" verify w1 b) || fail "w1's memory on b: $mem"
say "w1 on b: $mem"
"$lab" down
ip netns list | grep -q "^migsim-ci-" && fail "a namespace is left: $(ip netns list)"
say "ok"
