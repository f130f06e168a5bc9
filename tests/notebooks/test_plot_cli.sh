#!/usr/bin/env bash
# `migsim plot DIR`: a PNG of a run folder (matplotlib), from CSV and from JSON lines;
# bad input is exit 2 with one line.
set -u
M=${MIGSIM:?}
SRC=${MIGSIM_SOURCE_DIR:?}
source "$(dirname "$0")/../support/cli_checks.sh"
png_ok() {  # file: a PNG of a real figure
  [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && [ "$(stat -c %s "$1")" -gt 20000 ]
}
S="$SRC/scenarios/topology-two-racks.json"
"$M" run "$S" --out-dir "$T/csv" >/dev/null || fail=1
"$M" run "$S" --out-dir "$T/jsonl" --format jsonl >/dev/null || fail=1
"$M" plot "$T/csv" >"$T/out" 2>"$T/err" || { echo "FAIL: plot"; cat "$T/err"; fail=1; }
png_ok "$T/csv/run.png" || { echo "FAIL: no run.png"; fail=1; }
grep -qx "$T/csv/run.png" "$T/out" || { echo "FAIL: plot does not name its PNG"; cat "$T/out"; fail=1; }
"$M" plot "$T/jsonl" --out "$T/j.png" --title "two racks" >/dev/null 2>"$T/err" || { echo "FAIL: plot jsonl"; cat "$T/err"; fail=1; }
png_ok "$T/j.png" || { echo "FAIL: no j.png"; fail=1; }
for bad in "$T/none" "$T/empty"; do
  [ "$bad" = "$T/empty" ] && mkdir -p "$bad"
  "$M" plot "$bad" >/dev/null 2>"$T/err"; rc=$?
  [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] || { echo "FAIL: plot $bad: exit $rc"; cat "$T/err"; fail=1; }
done
grep -q "no cluster.csv or cluster.jsonl" "$T/err" || { echo "FAIL: message"; cat "$T/err"; fail=1; }
exit $fail
