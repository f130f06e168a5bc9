#!/usr/bin/env bash
# The `migsim predict` contract: JSON keys, exit codes, one-line errors naming flag and value.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }

out=$("$M" predict --ram-mib 512 --nonzero-mib 139 --wss-mib 64 --dirty-pages-per-sec 5000 \
      --max-bandwidth-mibps 100 --downtime-limit-ms 300 --json)
rc=$?
check "predict --json exits 0" "[ $rc -eq 0 ]"
for k in converged total_time_ms downtime_ms transferred_bytes dirty_syncs iterations \
         iteration_detail pages_sent duration_ms dirty_pages_at_sync; do
  check "json has $k" "grep -q '\"$k\"' <<<\"\$out\""
done
check "json parses" "python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d[\"converged\"] is True' \"\$out\""
again=$("$M" predict --ram-mib 512 --nonzero-mib 139 --wss-mib 64 --dirty-pages-per-sec 5000 \
      --max-bandwidth-mibps 100 --downtime-limit-ms 300 --json)
check "deterministic output" "[ \"\$out\" = \"\$again\" ]"
table=$("$M" predict --ram-mib 512 --wss-mib 64 --dirty-pages-per-sec 40000 --max-bandwidth-mibps 100 --horizon-s 30)
check "table mentions non-convergence" "grep -q 'NO' <<<\"\$table\""

bad() {  # name, expected text in stderr, args...
  local name=$1 want=$2; shift 2
  err=$("$M" predict "$@" 2>&1 >/dev/null); rc=$?
  check "$name: exit 2" "[ $rc -eq 2 ]"
  check "$name: one line" "[ \$(printf '%s\n' \"\$err\" | wc -l) -eq 1 ]"
  check "$name: names '$want'" "grep -qF -- \"$want\" <<<\"\$err\""
}
bad "negative ram" "--ram-mib" --ram-mib -5
bad "zero ram" "--ram-mib" --ram-mib 0
bad "non-number" "'abc'" --ram-mib abc
bad "wss > ram" "--wss-mib" --ram-mib 512 --wss-mib 1024 --dirty-pages-per-sec 10
bad "nonzero > ram" "--nonzero-mib" --ram-mib 512 --nonzero-mib 600
bad "unknown flag" "--frobnicate" --ram-mib 512 --frobnicate 3
bad "negative rate" "--dirty-pages-per-sec" --ram-mib 512 --wss-mib 10 --dirty-pages-per-sec -1
bad "zero bandwidth" "--max-bandwidth-mibps" --ram-mib 512 --max-bandwidth-mibps 0
bad "bad pattern" "zigzag" --ram-mib 512 --dirty-pattern zigzag
bad "negative downtime" "--downtime-limit-ms" --ram-mib 512 --downtime-limit-ms -3
bad "missing ram" "--ram-mib" --wss-mib 3
bad "nan" "--link-mibps" --ram-mib 512 --link-mibps nan
"$M" predict --help >/dev/null; check "help exits 0" "[ $? -eq 0 ]"
exit $fail
