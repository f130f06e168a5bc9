#!/usr/bin/env bash
# `migsim run --sweep --shard I/N`, `--resume` and `migsim sweep-merge`: shards merged give the
# bytes of the whole sweep; a killed sweep loses no finished point and resumes to the same
# bytes; bad shards, merges of different sweeps and incomplete merges are clear errors.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
SRC=${MIGSIM_SOURCE_DIR:?}
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
err() {  # exit 2 and a one-line message matching $2
  local out rc
  out=$("${@:3}" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ "$out" == *$2* ]]; then
    echo "ok: $1"
  else
    echo "FAIL: $1 (rc $rc: $out)"; fail=1
  fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
S=$SRC/scenarios/default-cluster.json
echo '{"/seed": [1, 2, 3], "/duration_s": [7200, 14400]}' > "$tmp/axes.json"
echo '{"/seed": [1, 2, 3], "/scheduling_interval_s": [300, 600]}' > "$tmp/other-axes.json"

"$M" run "$S" --sweep "$tmp/axes.json" --out "$tmp/whole.jsonl" --quiet --json > "$tmp/stdout.jsonl"
check "whole sweep: 6 points" "[ \$(wc -l < $tmp/whole.jsonl) -eq 6 ]"
check "--out = what --json prints" "cmp -s $tmp/whole.jsonl $tmp/stdout.jsonl"
check "no .partial left" "[ ! -e $tmp/whole.jsonl.partial ]"
for i in 0 1 2; do "$M" run "$S" --sweep "$tmp/axes.json" --shard "$i/3" --out "$tmp/part-$i.jsonl" --quiet --json >/dev/null; done
check "shard 1/3 holds points 1 and 4" "[ \"\$(python3 -c 'import json,sys; print(*[json.loads(l)[\"point\"] for l in open(sys.argv[1])])' $tmp/part-1.jsonl)\" = '1 4' ]"
"$M" sweep-merge "$tmp/part-2.jsonl" "$tmp/part-0.jsonl" "$tmp/part-1.jsonl" --out "$tmp/merged.jsonl" >/dev/null
check "merged shards = the whole sweep, byte for byte (parts in any order)" "cmp -s $tmp/merged.jsonl $tmp/whole.jsonl"
"$M" run "$S" --sweep "$tmp/axes.json" --shard 1/3 --jobs 1 --quiet --json > "$tmp/j1" 
"$M" run "$S" --sweep "$tmp/axes.json" --shard 1/3 --jobs 2 --quiet --json > "$tmp/j2"
check "a shard: same bytes with 1 and 2 jobs" "cmp -s $tmp/j1 $tmp/j2 && cmp -s $tmp/j1 $tmp/part-1.jsonl"

err "shard 3/2 refused" "--shard: shard 3 of 2 does not exist" "$M" run "$S" --sweep "$tmp/axes.json" --shard 3/2
err "shard x refused" "--shard: expected I/N" "$M" run "$S" --sweep "$tmp/axes.json" --shard x
err "--shard without --sweep" "--shard: only with --sweep" "$M" run "$S" --shard 0/2
err "--resume without --out" "--resume: needs --out" "$M" run "$S" --sweep "$tmp/axes.json" --resume
err "merge with a point missing" "1 of 6 points missing (5)" "$M" sweep-merge "$tmp/part-0.jsonl" "$tmp/part-1.jsonl" \
  <(python3 -c 'import sys; print(open(sys.argv[1]).readline(), end="")' "$tmp/part-2.jsonl")
err "merge with a point twice" "point 1 twice" "$M" sweep-merge "$tmp/part-0.jsonl" "$tmp/part-1.jsonl" "$tmp/part-1.jsonl" "$tmp/part-2.jsonl"
err "merge of an unsharded output" "not a shard's output" "$M" sweep-merge "$tmp/whole.jsonl"
"$M" run "$S" --sweep "$tmp/other-axes.json" --shard 0/3 --out "$tmp/other-0.jsonl" --quiet --json >/dev/null
err "merge of parts of different sweeps: the axes differ" "the axes differ" "$M" sweep-merge "$tmp/part-0.jsonl" "$tmp/other-0.jsonl"
"$M" run "$S" --sweep "$tmp/axes.json" --shard 0/3 --seed 9 --out "$tmp/seed9-0.jsonl" --quiet --json >/dev/null
err "merge of parts run with other flags" "the scenario, the axis values or the flags differ" \
  "$M" sweep-merge "$tmp/seed9-0.jsonl" "$tmp/part-1.jsonl" "$tmp/part-2.jsonl"
err "merge of a missing part" "cannot read" "$M" sweep-merge "$tmp/nope.jsonl"

# Killed mid-sweep (SIGKILL after the first finished point): the finished points are kept
# and --resume completes the sweep to the same bytes.
echo '{"/seed": [1, 2, 3, 4, 5, 6, 7, 8]}' > "$tmp/eight.json"
"$M" run "$S" --sweep "$tmp/eight.json" --jobs 1 --out "$tmp/eight-whole.jsonl" --quiet --json >/dev/null
"$M" run "$S" --sweep "$tmp/eight.json" --jobs 1 --out "$tmp/eight.jsonl" --quiet --json >/dev/null &
pid=$!
for _ in $(seq 1 600); do
  [ -s "$tmp/eight.jsonl.partial" ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
if [ -e "$tmp/eight.jsonl" ]; then
  echo "note: the sweep finished before it was killed (fast machine); resume still checked"
else
  kept=$(wc -l < "$tmp/eight.jsonl.partial")
  check "killed: finished points kept in .partial ($kept)" "[ $kept -ge 1 ]"
  printf '{"point": 7, "coor' >> "$tmp/eight.jsonl.partial"   # a line torn by the kill
  err "a .partial left by a killed run needs --resume" "--resume" "$M" run "$S" --sweep "$tmp/eight.json" --out "$tmp/eight.jsonl"
fi
"$M" run "$S" --sweep "$tmp/eight.json" --jobs 2 --out "$tmp/eight.jsonl" --resume --quiet > "$tmp/resume.txt"
check "resumed sweep = the sweep run whole" "cmp -s $tmp/eight.jsonl $tmp/eight-whole.jsonl"
check "resume says what it kept" "grep -q 'kept from' $tmp/resume.txt || [ ! -s $tmp/eight.jsonl.partial ]"
check "no .partial after the resumed run" "[ ! -e $tmp/eight.jsonl.partial ]"
err "resume into another sweep's output" "is not a point of this sweep" \
  "$M" run "$S" --sweep "$tmp/other-axes.json" --out "$tmp/eight.jsonl" --resume
exit $fail
