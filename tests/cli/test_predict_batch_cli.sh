#!/usr/bin/env bash
# `migsim predict --batch` and `migsim sweep` on worker threads: the same bytes for
# --jobs 1 and --jobs 2 in every output mode (several 256-case blocks), cases in
# file order, and a bad case failing before anything is printed.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import json, random, sys
r = random.Random(11)
cases = []
for i in range(700):
    ram = r.choice([512, 1024, 2048, 4096])
    c = {"name": f"vm-{i}", "ram_mib": ram, "nonzero_mib": round(ram * r.uniform(0.1, 1.0)),
         "wss_mib": round(ram * r.uniform(0.01, 0.1)) + 1,
         "dirty_pages_per_sec": r.choice([0, 1000, 20000, 60000]),
         "dirty_pattern": r.choice(["sequential", "uniform", "hotcold"]),
         "max_bandwidth_mibps": r.choice([64, 128, 1000, "unlimited"]),
         "downtime_limit_ms": r.choice([30, 300]), "horizon_s": 120}
    if i % 5 == 0: c["auto_converge"] = True
    if i % 7 == 0: c["note"] = f"note {i}"
    cases.append(c)
json.dump({"cases": cases}, open(sys.argv[1] + "/batch.json", "w"))
cases[500]["wss_mib"] = 100000
json.dump({"cases": cases}, open(sys.argv[1] + "/bad.json", "w"))
json.dump({"ram_mib": [1024, 4096], "wss_mib": [64, 512], "dirty_pages_per_sec": list(range(0, 60000, 2000)),
           "max_bandwidth_mibps": [128, "unlimited"], "dirty_pattern": ["uniform", "hotcold"], "horizon_s": 60},
          open(sys.argv[1] + "/sweep.json", "w"))
PY

same() {  # name, args...: the output of --jobs 1 and --jobs 2 are the same bytes
  local name=$1; shift
  "$M" "$@" --jobs 1 > "$tmp/one" 2>/dev/null; local rc1=$?
  "$M" "$@" --jobs 2 > "$tmp/two" 2>/dev/null; local rc2=$?
  check "$name: exits 0" "[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]"
  check "$name: same bytes with 1 and 2 jobs" "cmp -s $tmp/one $tmp/two && [ -s $tmp/one ]"
}
same "batch table" predict --batch "$tmp/batch.json"
same "batch json" predict --batch "$tmp/batch.json" --json
same "batch json no detail" predict --batch "$tmp/batch.json" --json --no-detail
same "batch all models" predict --batch "$tmp/batch.json" --model all
same "sweep table" sweep "$tmp/sweep.json" --quiet
same "sweep json" sweep "$tmp/sweep.json" --json --quiet --model all

"$M" predict --batch "$tmp/batch.json" --json --model all > "$tmp/all.json"
check "batch json: every case and model, in file order" "python3 - $tmp/all.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))['predictions']
assert len(p) == 2100, len(p)
assert [x['case'] for x in p[::3]] == ['vm-%d' % i for i in range(700)]
assert [x['model'] for x in p[:3]] == ['qemu-precopy', 'geometric', 'cloudsim'], [x['model'] for x in p[:3]]
assert p[0]['note'] == 'note 0' and 'note' not in p[3]
assert p[0]['iteration_detail'][0]['index'] == 1
PY"
"$M" sweep "$tmp/sweep.json" --jobs 1 --out "$tmp/one.jsonl" --quiet 2>/dev/null
"$M" sweep "$tmp/sweep.json" --jobs 2 --out "$tmp/two.jsonl" --quiet 2>/dev/null
check "sweep --out: same bytes with 1 and 2 jobs" "cmp -s $tmp/one.jsonl $tmp/two.jsonl"
check "sweep --out: 480 points in order" "python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r[\"point\"] for r in rows] == list(range(480))' $tmp/one.jsonl"
"$M" sweep "$tmp/sweep.json" --json --quiet > "$tmp/stdout.jsonl"
check "sweep --json is what --out writes" "cmp -s $tmp/one.jsonl $tmp/stdout.jsonl"

err=$("$M" predict --batch "$tmp/bad.json" --json 2>&1 >"$tmp/bad.out"); rc=$?
check "bad case: exit 2" "[ $rc -eq 2 ]"
check "bad case: names it" "grep -qF 'cases[500].wss_mib' <<<\"\$err\""
check "bad case: nothing on stdout" "[ ! -s $tmp/bad.out ]"
err=$("$M" predict --batch "$tmp/batch.json" --jobs x 2>&1 >/dev/null); rc=$?
check "bad --jobs: exit 2" "[ $rc -eq 2 ] && grep -qF -- '--jobs' <<<\"\$err\""
exit $fail
