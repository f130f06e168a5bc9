#!/usr/bin/env bash
# `migsim validate load`: bad input (exit 2, one line naming the flag or the target; check_error
# of tests/support/cli_checks.sh) and a real open-loop stream against a local HTTP server on
# loopback (python3 -m http.server, bounded).
set -uo pipefail
: "${MIGSIM:?set MIGSIM to the migsim binary}"
. "$(dirname "$0")/../support/cli_checks.sh"
srv=""
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$T"' EXIT
M="$MIGSIM validate load"
check_error "outside the allowed prefixes" $M 10.1.2.3:80/ --duration 1
check_error "not an IPv4 address" $M example.org:80/ --duration 1
check_error "rate" $M 127.0.0.1:9/ --rate 0 --duration 1
check_error "rate" $M 127.0.0.1:9/ --rate 1e9 --duration 1
check_error "duration" $M 127.0.0.1:9/ --duration 99999
check_error "arrivals: expected fixed or poisson" $M 127.0.0.1:9/ --arrivals burst --duration 1
check_error "allow" $M 127.0.0.1:9/ --allow 10.0.0.1/8 --duration 1

# Nothing listens on port 9 of loopback: every request refused, still exit 0 (the stream ran).
out=$($M 127.0.0.1:9/ --rate 20 --duration 0.5 --json); rc=$?
python3 - "$out" <<'PY' || fail=1
import json, sys
d = json.loads(sys.argv[1])
assert d["summary"]["requests"] == 10 and d["summary"]["completed"] == 0, d["summary"]
assert d["failures"] == {"refused": 10}, d["failures"]
print("ok: refused requests counted")
PY

echo hello >"$T/index.html"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$T" && exec timeout 60 python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
srv=$!
for i in $(seq 1 50); do python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break; sleep 0.1; done
out=$($M "127.0.0.1:$port/index.html" --rate 20 --duration 1 --json --requests-out "$T/req.jsonl"); rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: load against the local server: exit $rc"; fail=1; }
python3 - "$out" "$T/req.jsonl" <<'PY' || fail=1
import json, sys
d = json.loads(sys.argv[1])
s = d["summary"]
assert s["requests"] == 20 and s["completed"] == 20 and s["errors"] == 0, s
assert d["windows"] and sum(w["sent"] for w in d["windows"]) == 20, d["windows"][:2]
lines = [json.loads(l) for l in open(sys.argv[2])]
assert len(lines) == 20 and all(l["outcome"] == "ok" for l in lines), lines[:2]
# Open loop: requests are due every 50 ms whatever the answers.
gaps = [b["send_s"] - a["send_s"] for a, b in zip(lines, lines[1:])]
assert all(abs(g - 0.05) < 1e-6 for g in gaps), gaps[:3]
print(f"ok: 20 of 20 answered, p50 {s['p50_ms']:.2f} ms")
PY
text=$($M "127.0.0.1:$port/" --rate 10 --duration 0.5)
grep -q "^requests         5 (5 ok" <<<"$text" || { echo "FAIL: text output: $text"; fail=1; }
exit $fail
