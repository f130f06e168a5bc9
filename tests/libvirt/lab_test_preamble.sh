# Sourced by the two-host lab tests (test_lab*.sh): the migsim binary, the lab script and its
# ci prefix and folder, the two hosts' URIs, and say (a line with the seconds since the start)
# and skip (exit 77). Each test defines its own fail.
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
