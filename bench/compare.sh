#!/usr/bin/env bash
# Rows per second of two seed binaries on the same run, alternating so that
# the machine's noise falls on both: the cost of a change, measured as a
# user waits for it (whole-process wall time, median of RUNS runs each).
# Each run gets a fresh SQLite file (so give no --db).
#
#   bench/compare.sh OLD_BINARY NEW_BINARY users --count 1000000 --batch-size 100000
#   RUNS=5 bench/compare.sh /tmp/seed-old target/release/seed users --count 300000
set -euo pipefail

RUNS=${RUNS:-3}
old=$1 new=$2
shift 2
[[ $# -gt 0 ]] || { echo "usage: bench/compare.sh OLD NEW users ARGS…" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=$(printf '%s\n' "$@" | awk 'prev == "--count" || prev == "-n" {print; exit} {prev = $0}')
[[ -n $rows ]] || { echo "give --count" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Wall seconds of one run.
wall() {
    rm -f "$work/b.db"*
    local start end
    start=$(date +%s.%N)
    "$1" "${@:2}" --db "$work/b.db" --quiet >/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

: >"$work/old" ; : >"$work/new"
for ((i = 1; i <= RUNS; i++)); do
    wall "$old" "$@" >>"$work/old"
    wall "$new" "$@" >>"$work/new"
done
old_s=$(median <"$work/old") new_s=$(median <"$work/new")
printf '%-8s %10s %12s\n' binary seconds rows/s
printf '%-8s %10.2f %12.0f\n' old "$old_s" "$(echo "$rows / $old_s" | bc -l)"
printf '%-8s %10.2f %12.0f\n' new "$new_s" "$(echo "$rows / $new_s" | bc -l)"
printf 'new/old rows/s: %.3f (runs: old %s; new %s)\n' "$(echo "$old_s / $new_s" | bc -l)" \
    "$(tr '\n' ' ' <"$work/old")" "$(tr '\n' ' ' <"$work/new")"
