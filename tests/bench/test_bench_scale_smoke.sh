#!/usr/bin/env bash
# bench_scale at 100 hosts for 1 day: one line per run with every key, one fit
# line per configuration, a size over the budget skipped with an extrapolation,
# and a bad flag rejected on one line naming it.
set -euo pipefail
out=$("$BENCH_SCALE" --hosts 100,200 --days 1 --budget-s 1e-9 --configs rules,thr-mmt)
echo "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(grep -c '"config"' <<<"$out")" -eq 6 ] || fail "expected 4 run lines and 2 fit lines"
# The first size always runs (nothing to extrapolate from); the second is over the budget.
runs=$(grep '"hosts":100' <<<"$out")
[ "$(wc -l <<<"$runs")" -eq 2 ] || fail "expected one 100-host run per configuration"
for key in hosts vms days cpu_s setup_cpu_s wall_s us_per_vm_step events_per_s migrations peak_rss_mib bytes_per_vm; do
  [ "$(grep -c "\"$key\":" <<<"$runs")" -eq 2 ] || fail "run lines lack \"$key\""
done
grep -q '"vms":132' <<<"$runs" || fail "100 hosts should carry 132 VMs (PlanetLab ratio 800:1052)"
skipped=$(grep '"hosts":200' <<<"$out")
[ "$(grep -c '"skipped":true' <<<"$skipped")" -eq 2 ] || fail "200 hosts should be skipped over the budget"
[ "$(grep -c '"extrapolated_cpu_s":' <<<"$skipped")" -eq 2 ] || fail "skipped lines lack the extrapolation"
[ "$(grep -c '"exponent":' <<<"$out")" -eq 2 ] || fail "expected a fitted exponent line per configuration"
[ "$(grep -c '"marginal_bytes_per_vm":' <<<"$out")" -eq 2 ] || fail "fit lines lack marginal_bytes_per_vm"
if err=$("$BENCH_SCALE" --hosts 1x 2>&1); then fail "--hosts 1x accepted"; fi
grep -q -- "--hosts" <<<"$err" || fail "error does not name the flag: $err"
echo OK
