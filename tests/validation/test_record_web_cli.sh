#!/usr/bin/env bash
# `migsim validate record-web` CLI without QEMU: --dry-run lists the shipped matrix's runs;
# bad input exits 2 with one line naming the file, the run, the field and the value, and
# leaves the dataset exactly as it was; QEMU missing exits 1 naming the run.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
SRC=${SRC:?set SRC to the source tree}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

out=$("$M" validate record-web "$SRC/validation/matrix/web-runs.json" --out "$T/d.jsonl" --dry-run); rc=$?
check "dry-run exits 0" "[ $rc -eq 0 ]"
check "dry-run lists 14 runs" "echo \"\$out\" | tail -n 1 | grep -qx '14 web runs planned'"
check "dry-run shows the scenario" "echo \"\$out\" | grep -q '^ac-heavy-bw100 \[train, auto-converge\]'"
check "dry-run starts nothing" "[ ! -e '$T/d.jsonl' ]"

echo 'keep' >"$T/d.jsonl"
bad() {  # name, matrix text, expected substring
  printf '%s' "$2" >"$T/m.json"
  err=$("$M" validate record-web "$T/m.json" --out "$T/d.jsonl" 2>&1 >/dev/null); rc=$?
  check "$1: exit 2" "[ $rc -eq 2 ]"
  check "$1: one line naming file and field" "[ \$(printf '%s\n' \"\$err\" | wc -l) -eq 1 ] && echo \"\$err\" | grep -q 'm.json' && echo \"\$err\" | grep -qF -- '$3'"
}
bad "rate out of bounds" '{"runs": [{"name": "a", "arrival_rps": 5000}]}' "runs[0].arrival_rps: must be > 0 and <= 1000 requests/s, got 5000"
bad "migration after the load" '{"runs": [{"name": "a", "duration_s": 10, "migration_at_s": 12}]}' ".migration_at_s: 12 s is not before the end of the load"
bad "unknown key" '{"runs": [{"name": "a", "rps": 5}]}' "rps"
bad "not JSON" '{"runs": [' "m.json"
check "dataset untouched" "[ \"\$(cat '$T/d.jsonl')\" = keep ]"

err=$("$M" validate record-web "$SRC/validation/matrix/ci-web.json" --out "$T/d.jsonl" --only nope 2>&1); rc=$?
check "--only unknown: exit 2 naming it" "[ $rc -eq 2 ] && echo \"\$err\" | grep -q \"no run named 'nope'\""
err=$("$M" validate record-web "$SRC/validation/matrix/ci-web.json" --out "$T/no/such/d.jsonl" 2>&1); rc=$?
check "--out in a missing folder: exit 2" "[ $rc -eq 2 ] && echo \"\$err\" | grep -q -- '--out'"
err=$("$M" validate record-web "$SRC/validation/matrix/ci-web.json" --out "$T/d.jsonl" --qemu /nonexistent/qemu 2>&1); rc=$?
check "QEMU missing: exit 1 naming the run" "[ $rc -eq 1 ] && echo \"\$err\" | grep -q \"run 'ci-web'\" && echo \"\$err\" | grep -q 'QEMU missing'"
check "dataset still untouched" "[ \"\$(cat '$T/d.jsonl')\" = keep ]"
exit $fail
