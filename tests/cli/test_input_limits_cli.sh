#!/usr/bin/env bash
# Issue 13: finite but absurd numbers, silent nonsense and destructive output. Each bad
# input exits 2 with exactly one line naming the file or flag, the field and the value;
# output errors exit 1; a target that is not a regular file is never replaced.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
SRC=${MIGSIM_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
# exact-message rc command...: exit status rc and stderr exactly that one line.
expect() {
  local want=$1 rc_want=$2; shift 2
  timeout 20 "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ $rc -ne "$rc_want" ]; then echo "FAIL (exit $rc, want $rc_want): $*"; head -3 "$T/err"; fail=1; return; fi
  if [ "$(cat "$T/err")" != "$want" ]; then
    echo "FAIL: $*"; echo "  want: $want"; echo "  got:  $(head -3 "$T/err")"; fail=1; return
  fi
  echo "ok: $*"
}
# scenario NAME PYTHON-EXPRESSION...: the default scenario with the changes applied.
scenario() {
  local name=$1; shift
  python3 - "$SRC/scenarios/default-cluster.json" "$T/$name.json" "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for change in sys.argv[3:]:
    exec(change)
json.dump(s, open(sys.argv[2], "w"), indent=1)
PY
}

# Sizes, times and counts within their physical range (sim/input_bounds.hpp).
expect "migsim: error: --ram-mib: must be > 0 and <= 67108864 MiB, got 1e+308" 2 \
  "$M" predict --ram-mib 1e308
expect "migsim: error: --horizon-s: must be > 0 and <= 604800 s, got 1e+308" 2 \
  "$M" predict --ram-mib 512 --wss-mib 512 --dirty-pages-per-sec 100000 --horizon-s 1e308 --json
expect "migsim: error: --dirty-pages-per-sec: must be >= 0 and <= 10000000000 pages/s, got 1e+30" 2 \
  "$M" predict --ram-mib 512 --wss-mib 64 --dirty-pages-per-sec 1e30
expect "migsim: error: --jobs: must be >= 0 and <= 4096, got '1e308'" 2 \
  "$M" predict --batch "$SRC/scenarios/typical-vms.json" --jobs 1e308
expect "migsim: error: --seed: must be >= 0 and <= 9007199254740992, got '1e308'" 2 \
  "$M" run "$SRC/scenarios/default-cluster.json" --seed 1e308
scenario long 's["duration_s"] = 1e308'
expect "migsim: error: $T/long.json: duration_s: must be > 0 and <= 315360000 s, got 1e+308" 2 \
  "$M" run "$T/long.json"
scenario tiny_step 's["scheduling_interval_s"] = 1e-300'
expect "migsim: error: $T/tiny_step.json: scheduling_interval_s: must be >= 0.001 and <= 86400 s, got 1e-300" 2 \
  "$M" run "$T/tiny_step.json"
scenario steps 's["scheduling_interval_s"] = 0.001' 's["duration_s"] = 315360000'
expect "migsim: error: $T/steps.json: duration_s: 3.1536e+08 s in steps of 0.001 s (scheduling_interval_s) is 3.1536e+11 steps (at most 1e+07)" 2 \
  "$M" run "$T/steps.json"
scenario int_count 's["host_types"][0]["count"] = 3000000000'
expect "migsim: error: $T/int_count.json: host_types[0].count: must be >= 1 and <= 1000000, got 3000000000" 2 \
  "$M" run "$T/int_count.json"
scenario u64_count 's["host_types"][1]["count"] = 18446744073709551615'
expect "migsim: error: $T/u64_count.json: host_types[1].count: integer out of range, got 18446744073709551615" 2 \
  "$M" run "$T/u64_count.json"
scenario all_hosts 's["host_types"][0]["count"] = 600000' 's["host_types"][1]["count"] = 600000'
expect "migsim: error: $T/all_hosts.json: host_types: 1.2e+06 hosts in all (at most 1e+06)" 2 \
  "$M" run "$T/all_hosts.json"

# Numbers beyond a double, directories where a file is expected.
printf '{"cases": [{"name": "a", "ram_mib": 1e999}]}\n' >"$T/overflow.json"
expect "migsim: error: $T/overflow.json: malformed JSON: number overflow parsing '1e999'" 2 \
  "$M" predict --batch "$T/overflow.json"
mkdir "$T/dir.json"
expect "migsim: error: $T/dir.json: is a directory (expected a file)" 2 "$M" run "$T/dir.json"
expect "migsim: error: $T/dir.json: is a directory (expected a file)" 2 "$M" predict --batch "$T/dir.json"
expect "migsim: error: $T/dir.json: is a directory (expected a file)" 2 "$M" validate report "$T/dir.json"

# Silent nonsense: an empty batch, a record key nobody knows.
printf '{"cases": []}\n' >"$T/empty.json"
expect "migsim: error: $T/empty.json: cases: no cases (expected at least one)" 2 \
  "$M" predict --batch "$T/empty.json"
python3 - "$SRC/tests/validation/data/tiny-dataset.jsonl" "$T/extra-key.jsonl" <<'PY'
import json, sys
rec = json.loads(open(sys.argv[1]).readline())
rec["frobnicate"] = 1
open(sys.argv[2], "w").write(json.dumps(rec) + "\n")
PY
expect "migsim: error: $T/extra-key.jsonl:1: frobnicate: unknown key (known here: capabilities, case, config, env, failure_reason, fault, format, guest, guest_alive_after, guest_memory, outcome, parameters, qemu, qemu_last_active, repeat, split, trajectory)" 2 \
  "$M" validate report "$T/extra-key.jsonl"

# Output: a target that is not a regular file is refused (and left as it was), a
# failed write to standard output exits 1.
mkfifo "$T/fifo"
expect "migsim: error: $T/fifo: exists and is not a regular file (a FIFO); not replaced, give a file path" 2 \
  "$M" sweep "$SRC/scenarios/sweep-example.json" --out "$T/fifo"
if [ -p "$T/fifo" ]; then echo "ok: the FIFO is still a FIFO"; else echo "FAIL: the FIFO was replaced"; fail=1; fi
expect "migsim: error: /dev/null: exists and is not a regular file (a character device); not replaced, give a file path" 2 \
  "$M" batch "$SRC/scenarios/batch-rack-drain.json" --out /dev/null
if [ -c /dev/null ]; then echo "ok: /dev/null is still a device"; else echo "FAIL: /dev/null was replaced"; fail=1; fi
expect "migsim: error: $T/dir.json: exists and is not a regular file (a directory); not replaced, give a file path" 2 \
  "$M" batch "$SRC/scenarios/batch-rack-drain.json" --out "$T/dir.json"
if [ -w /dev/full ]; then
  expect "migsim: failed: cannot write to standard output: No space left on device" 1 \
    bash -c '"$0" predict --ram-mib 512 --json >/dev/full' "$M"
  expect "migsim: failed: cannot write to standard output: No space left on device" 1 \
    bash -c '"$0" predict --batch "$1" --json >/dev/full' "$M" "$SRC/scenarios/typical-vms.json"
fi
exit $fail
