#!/usr/bin/env bash
# `migsim validate report WEB-DATASET` (issue 12): on a synthetic dataset made by the model
# itself (write_web_fixture), the JSON contract, the text table, --windows, bad records.
set -u
M=${MIGSIM:?set MIGSIM}
FIXTURE=${FIXTURE:?set FIXTURE to the write_web_fixture binary}
. "$(dirname "$0")/../support/cli_checks.sh"
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
"$FIXTURE" "$T/web.jsonl" || { echo "FAIL: fixture"; exit 1; }

out=$("$M" validate report "$T/web.jsonl" --json --windows "$T/w.csv"); rc=$?
check "report --json exits 0" "[ $rc -eq 0 ]"
python3 - "$out" <<'PY' || fail=1
import json, sys
d = json.loads(sys.argv[1])
for k in ["runs", "max_stall_mape_pct", "p99_during_migration_mape_pct", "requests_over_slo_mape_pct"]:
    assert k in d, k
    assert k in d["baselines"]["downtime-only"], k
assert d["runs"] == 3, d["runs"]
assert d["max_stall_mape_pct"] < 1e-6 and d["p99_during_migration_mape_pct"] < 1e-6, d
assert d["baselines"]["downtime-only"]["max_stall_mape_pct"] > 10, d
assert d["fitted"]["switchover_ms"] == 100 and d["fitted"]["syn_retry_s"] == 1, d["fitted"]
print("ok: web report contract")
PY
check "windows csv written" "[ -s '$T/w.csv' ] && head -1 '$T/w.csv' | grep -q 'measured_p99_ms,.*predicted_p99_ms'"
check "windows csv has phases" "grep -q ',stop-and-copy,' '$T/w.csv'"
check "windows csv has QEMU's dirty rate during the pre-copy" \
  "head -1 '$T/w.csv' | grep -q ',qemu_dirty_pages_per_s,guest_writes_pages_per_s\$' && awk -F, '\$5 == \"pre-copy\" && \$(NF-1) != \"\" && \$NF != \"\"' '$T/w.csv' | grep -q ."
text=$("$M" validate report "$T/web.jsonl")
check "text table lists runs and the accuracy" "grep -q 'w-report-bw80' <<<\"\$text\" && grep -q 'downtime-only' <<<\"\$text\""

edit() {  # OUT PYTHON-EXPR-ON-r: the first record, changed
  python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); exec(sys.argv[3]); open(sys.argv[2],"w").write(json.dumps(r)+"\n")' "$T/web.jsonl" "$1" "$2"
}
edit "$T/bad-split.jsonl" 'r["split"]="test"'
check_error "$T/bad-split.jsonl:1: split" "$M" validate report "$T/bad-split.jsonl" --json
edit "$T/bad-key.jsonl" 'r["extra"]=1'
check_error "$T/bad-key.jsonl:1: extra" "$M" validate report "$T/bad-key.jsonl" --json
edit "$T/bad-slo.jsonl" 'r["app"]["slo_ms"]=-1; r["run"]="other"'
{ head -1 "$T/web.jsonl"; cat "$T/bad-slo.jsonl"; } >"$T/bad-slo2.jsonl"
check_error "$T/bad-slo2.jsonl:2: app.slo_ms" "$M" validate report "$T/bad-slo2.jsonl" --json
edit "$T/bad-win.jsonl" 'r["windows"][3]["p99_ms"]="slow"'
check_error "$T/bad-win.jsonl:1: windows[3].p99_ms" "$M" validate report "$T/bad-win.jsonl" --json
exit $fail
