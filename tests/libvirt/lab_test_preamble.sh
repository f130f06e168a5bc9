# Sourced by the two-host lab tests (test_lab*.sh): the migsim binary, the lab script and its
# ci prefix and folder, the two hosts' URIs, say (a line with the seconds since the start),
# skip (exit 77), require_lab EXTRA_COMMAND... (skip unless this machine can run the lab at
# all), lab_up (skip when libvirtd cannot start in the lab, fail otherwise), guest_ready NAME
# SECONDS (MIGSIM-READY on host a's console), web_ready NAME SECONDS (its web server), web_reachable
# IP JSON_OUT (a short request stream from the client namespace all answered) and wait_for FILE
# PATTERN SECONDS, stop_and_down PID... (the EXIT trap's work). Each test defines its own fail.
: "${MIGSIM:?set MIGSIM to the migsim binary}"
root=$(cd "$(dirname "$0")/../.." && pwd)
lab=$root/validation/lab/lab
export MIGSIM_LAB_PREFIX=migsim-ci
export MIGSIM_LAB_DIR=${MIGSIM_LAB_DIR:-/var/tmp/migsim-ci}
A=qemu+tcp://10.77.0.1/system
B=qemu+tcp://10.77.0.2/system
t0=$(date +%s)
say() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
skip() { echo "SKIPPED: $*"; exit 77; }

require_lab() {  # require_lab [EXTRA_COMMAND...]: skip (77) unless the lab can run here at all
  local c
  [ "$(id -u)" -eq 0 ] || skip "the lab needs root (network namespaces, mounts)"
  for c in ip unshare libvirtd virsh qemu-system-x86_64 "$@"; do
    command -v "$c" >/dev/null || skip "'$c' is not installed (scripts/setup all)"
  done
  ip netns add migsim-ci-probe 2>/dev/null || skip "cannot create network namespaces here"
  ip netns del migsim-ci-probe
  unshare --mount --uts --pid --fork --mount-proc true 2>/dev/null ||
    skip "cannot create mount/UTS/PID namespaces here"
  libvirtd --version >/dev/null 2>&1 || skip "libvirtd does not run here"
}

wait_for() {  # wait_for FILE PATTERN SECONDS: until PATTERN is in FILE (1 = not within SECONDS)
  local i
  for i in $(seq 1 $(( $3 * 5 ))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

lab_up() {  # the lab up; skip when libvirtd cannot start in its namespaces, fail otherwise
  if ! "$lab" up; then
    grep -q "libvirtd exited" "$MIGSIM_LAB_DIR"/a/init.log 2>/dev/null && skip "libvirtd cannot start in the lab namespaces"
    fail "lab up failed"
  fi
}

guest_ready() {  # guest_ready NAME SECONDS: the guest printed MIGSIM-READY on host a's console
  local i
  for i in $(seq 1 "$2"); do
    "$lab" serial "$1" a 2>/dev/null | grep -q MIGSIM-READY && return 0
    sleep 1
  done
  return 1
}

web_ready() {  # web_ready NAME SECONDS: the web guest printed MIGSIM-WEB-READY on host a's console
  local i
  for i in $(seq 1 "$2"); do
    "$lab" serial "$1" a 2>/dev/null | grep -q MIGSIM-WEB-READY && return 0
    sleep 1
  done
  return 1
}

web_reachable() {  # web_reachable IP JSON_OUT: 10 req/s for 2 s from the client namespace all
  local i                         # answered, within 10 tries (a guest just booted is slow at first)
  for i in $(seq 1 10); do
    "$lab" client "$MIGSIM" validate load "$1:80/" --rate 10 --duration 2 --timeout-ms 2000 \
      --allow 10.78.0.0/24 --json >"$2" 2>/dev/null || return 1
    python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; sys.exit(0 if s['completed']==s['requests']>0 else 1)" \
      "$2" && { say "reachable (try $i)"; return 0; }
    sleep 1
  done
  return 1
}

stop_and_down() {  # stop_and_down PID...: SIGINT each still running (waiting for it), lab down,
  local p          # remove $work: a test's EXIT trap
  for p in "$@"; do
    if kill -0 "$p" 2>/dev/null; then kill -INT "$p"; wait "$p" || true; fi
  done
  "$lab" down >/dev/null 2>&1 || true
  [ -n "${work:-}" ] && rm -rf "$work"
  return 0
}
