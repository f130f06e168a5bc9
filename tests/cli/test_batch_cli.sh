#!/usr/bin/env bash
# `migsim batch`: the --json contract, the bundled rack drain, --schedule, errors (exit 2, one line).
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
B=${BATCH:?set BATCH to scenarios/batch-rack-drain.json}
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$M" batch "$B" --json > "$tmp/given.json"; rc=$?
check "batch exits 0" "[ $rc -eq 0 ]"
check "the --json contract" "python3 - $tmp/given.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert sorted(r) == ['converged_all', 'makespan_s', 'migrations'], sorted(r)
keys = ['converged', 'dirty_syncs', 'downtime_ms', 'end_s', 'name', 'start_s', 'total_time_ms', 'transferred_bytes']
assert all(sorted(m) == keys for m in r['migrations']), r['migrations'][0]
assert [m['name'] for m in r['migrations']] == ['web-1', 'web-2', 'db-1', 'db-2']
# The databases converge alone but not sharing the uplink: cancelled at their horizon.
db = r['migrations'][2]
assert not r['converged_all'] and not db['converged'] and db['end_s'] == db['start_s'] + 300, db
assert r['migrations'][0]['converged']
PY"
"$M" batch "$B" --schedule sequential --json --out "$tmp/seq-out.json" > "$tmp/seq.json"
check "sequential: all converge, one after the other" "python3 - $tmp/seq.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ms = r['migrations']
assert r['converged_all'], r
for a, b in zip(ms, ms[1:]):
    assert b['start_s'] == a['end_s'], (a, b)
assert abs(r['makespan_s'] - sum(m['total_time_ms'] for m in ms) / 1000) < 1e-6
PY"
check "--out holds the same JSON" "cmp -s $tmp/seq.json $tmp/seq-out.json"
"$M" batch "$B" --schedule max_per_link:1 --json > "$tmp/l1.json"
check "max_per_link:1 on one uplink = sequential" "python3 -c \"import json; a=json.load(open('$tmp/l1.json')); b=json.load(open('$tmp/seq.json')); assert a['makespan_s']==b['makespan_s']\""
"$M" batch "$B" > "$tmp/text"
check "text output names the makespan" "grep -q '^makespan ' $tmp/text"
check "--help teaches the schedules" "\"$M\" batch --help | grep -q 'max_per_host:K'"

err() {  # expect exit 2 and a one-line message containing $1
  local want=$1; shift
  local out rc
  out=$("$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -ne 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ] || [[ "$out" != *"$want"* ]]; then
    echo "FAIL: expected exit 2 and one line with '$want', got $rc: $out"; fail=1
  else echo "ok: error '$want'"; fi
}
edit() {  # edit <python expression on d> -> file
  python3 - "$B" "$tmp/bad.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); exec(sys.argv[3]); json.dump(d, open(sys.argv[2], 'w'))
PY
  echo "$tmp/bad.json"
}
err "bad.json: migrations[1].to: unknown host \"host:12\"" "$M" batch "$(edit 'd["migrations"][1]["to"]="host:12"')"
err "bad.json: migrations[0].to: \"host:0\" is also its \"from\"" "$M" batch "$(edit 'd["migrations"][0]["to"]="host:0"')"
err "bad.json: schedule: unknown schedule \"fastest\"" "$M" batch "$(edit 'd["schedule"]="fastest"')"
err "bad.json: migrations[2].start_s" "$M" batch "$(edit 'd["migrations"][2]["start_s"]=-4')"
err "--schedule: unknown schedule \"soon\"" "$M" batch "$B" --schedule soon
err "no-such.json" "$M" batch "$tmp/no-such.json"
exit $fail
