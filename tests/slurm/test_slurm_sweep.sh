#!/usr/bin/env bash
# A real single-node Slurm (Debian's slurm-wlm + munge) on localhost, with its own config,
# state folder, munge socket and ports, torn down after: scripts/slurm-sweep runs a 4-task
# array sweep and its dependent merge job; the merged file must be byte-identical to the
# same sweep run locally. Skips (77) only when a daemon cannot start at all.
set -euo pipefail
M=${MIGSIM:?}
SRC=${MIGSIM_SOURCE_DIR:?}
skip() { echo "SKIP: $*"; exit 77; }
for c in munged mungekey slurmctld slurmd sbatch sinfo squeue scancel; do
  command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || skip "$c not installed (scripts/setup installs slurm-wlm and munge)"
done
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs the jobs as the submitting user, here root)"
PATH=$PATH:/usr/sbin
T=$(mktemp -d /tmp/migsim-slurm.XXXXXX)
pids=()
cleanup() {
  SLURM_CONF=$T/slurm.conf scancel --quiet -u root 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  # munged writes its seed file while it exits: wait for it (up to 5 s) before removing
  # the folder, and never let the removal change the test's verdict.
  local mp=""
  [ -f "$T/munged.pid" ] && mp=$(cat "$T/munged.pid" 2>/dev/null || true)
  if [ -n "$mp" ]; then
    kill "$mp" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$mp" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$mp" 2>/dev/null || true
  fi
  rm -rf "$T" 2>/dev/null || { sleep 1; rm -rf "$T" || echo "note: could not remove $T"; }
}
trap cleanup EXIT
mkdir -p "$T"/{state,spool,munge,out}
chmod 700 "$T/munge"

# munge with its own key and socket.
mungekey --create --keyfile "$T/munge/munge.key" >/dev/null 2>&1 || skip "mungekey cannot create a key"
munged --socket "$T/munge/munge.socket" --key-file "$T/munge/munge.key" --pid-file "$T/munged.pid" \
  --log-file "$T/munged.log" --seed-file "$T/munge/seed" --force >/dev/null 2>&1 \
  || skip "munged cannot start: $(tail -n 2 "$T/munged.log" 2>/dev/null | tr '\n' ' ')"

# Two free TCP ports on loopback for slurmctld and slurmd.
read -r p1 p2 < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
cat >"$T/slurm.conf" <<CONF
ClusterName=migsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$p1
SlurmdPort=$p2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=600
KillWait=5
NodeName=migsimnode NodeAddr=127.0.0.1 NodeHostname=$(hostname) CPUs=2 RealMemory=2000 State=UNKNOWN
PartitionName=migsim Nodes=migsimnode Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.stdout" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N migsimnode >"$T/slurmd.stdout" 2>&1 &
pids+=($!)
sleep 2
for i in 0 1; do
  kill -0 "${pids[$i]}" 2>/dev/null || skip "$( [ $i = 0 ] && echo slurmctld || echo slurmd ) cannot start: $(tail -n 3 "$T/$( [ $i = 0 ] && echo slurmctld || echo slurmd ).log" "$T/"*.stdout 2>/dev/null | tr '\n' ' ' | cut -c1-400)"
done
state=""
for _ in $(seq 1 60); do
  state=$(sinfo -h -n migsimnode -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
if [ "$state" != idle ]; then
  echo "FAIL: the node did not become idle in 60 s (state '$state')"
  tail -n 20 "$T/slurmctld.log" "$T/slurmd.log" || true
  exit 1
fi

# A 6-point sweep in 4 tasks (shards of 2, 2, 1 and 1 points).
cat >"$T/axes.json" <<'AXES'
{"/seed": [1, 2, 3], "/duration_s": [21600, 43200]}
AXES
scenario=$SRC/scenarios/default-cluster.json
submitted=$("$SRC/scripts/slurm-sweep" --tasks 4 --migsim "$M" "$T/out" "$scenario" "$T/axes.json")
echo "submitted: $submitted"
for _ in $(seq 1 300); do
  [ -f "$T/out/sweep.jsonl" ] && [ -z "$(squeue -h 2>/dev/null)" ] && break
  squeue -h -o %R 2>/dev/null | grep -q DependencyNeverSatisfied && break  # a task failed
  sleep 1
done
if [ ! -f "$T/out/sweep.jsonl" ]; then
  echo "FAIL: no merged output (a task failed, or 300 s passed)"; squeue || true
  tail -n 5 "$T/out"/slurm-*.out "$T/slurmctld.log" 2>/dev/null || true
  exit 1
fi
"$M" run "$scenario" --sweep "$T/axes.json" --out "$T/local.jsonl" --quiet --json >/dev/null
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
check "four part files, one per task" "[ \$(ls $T/out/part-*.jsonl | wc -l) -eq 4 ]"
check "shard 0 holds points 0 and 4" "[ \"\$(python3 -c 'import json,sys; print(*[json.loads(l)[\"point\"] for l in open(sys.argv[1])])' $T/out/part-0.jsonl)\" = '0 4' ]"
check "merged = the local sweep, byte for byte" "cmp -s $T/out/sweep.jsonl $T/local.jsonl"
check "six points" "[ \$(wc -l < $T/out/sweep.jsonl) -eq 6 ]"
exit $fail
