#!/usr/bin/env bash
# Rows per second of `seed users` on SQLite, beside what the sqlite3 CLI
# itself reaches inserting generated users in one transaction on the schema
# that seed creates (the bound). Prints the median of RUNS runs and ratios.
#
#   bench/sqlite.sh                    # 100k per-row, 1M batched, 3 runs each
#   RUNS=5 SMALL=100000 LARGE=1000000 bench/sqlite.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SMALL=${SMALL:-100000}
LARGE=${LARGE:-1000000}
SEED=target/release/seed
command -v sqlite3 >/dev/null || { echo "bench needs the sqlite3 CLI" >&2; exit 1; }
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# rows/s of one `seed users` run on a fresh file; extra args passed through.
seed_rate() {
    rm -f "$work/b.db"*
    "$SEED" users --db "$work/b.db" --seed 1 --quiet --json "$@" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["rows_per_second"])'
}

# rows/s with the progress bar drawn: stderr is a terminal (script's pty).
bar_rate() {
    rm -f "$work/b.db"*
    script -qec "$SEED users --db $work/b.db --seed 1 --json $*" /dev/null |
        tr -d '\r' | grep -o '{.*}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["rows_per_second"])'
}

# SQL inserting generated users number @FROM@ to @TO@, emails in scattered
# order as seed's are.
USERS_SQL='WITH RECURSIVE x(i) AS (SELECT @FROM@ UNION ALL SELECT i + 1 FROM x WHERE i < @TO@)
INSERT INTO users (confirmed, first_name, last_name, email, password_hash, role_id)
SELECT 1, '"'First'"' || (i * 7919 % 3007), '"'Last'"' || (i * 104729 % 475),
       printf('"'u%08x.%d@example.com'"', (i * 2654435761) % 4294967296, i),
       '"'pbkdf2:sha256:10000\$ISOkeDD0feuVWhtd\$2a403e55b406a56155637f7c62144816e62f72501fbb4249c25b41112b48413e'"',
       1 + i % 2
FROM x;'
users_sql() { local sql=${USERS_SQL//@FROM@/$1}; echo "${sql//@TO@/$2}"; }

# rows/s of the sqlite3 CLI running the script $2, which inserts $1 users,
# on a schema made by seed itself.
sqlite3_rate() {
    local n=$1 script=$2 start end
    rm -f "$work/b.db"*
    "$SEED" users --db "$work/b.db" --count 0 --quiet
    start=$(date +%s.%N)
    sqlite3 "$work/b.db" <"$script" >/dev/null
    end=$(date +%s.%N)
    echo "$n / ($end - $start)" | bc -l
}

# The bound: N users in one transaction.
bound_rate() {
    local n=$1
    {
        echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; BEGIN;"
        users_sql 1 "$n"
        echo "COMMIT;"
    } >"$work/bound.sql"
    sqlite3_rate "$n" "$work/bound.sql"
}

# The same users committed every K rows with seed's own settings (WAL,
# synchronous=NORMAL, checkpoint every 100,000 pages, 12 MiB cache): what
# SQLite itself reaches when it must commit that often, with no per-row
# statements or savepoints.
chunked_rate() {
    local n=$1 k=$2 a
    {
        echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        echo "PRAGMA wal_autocheckpoint = 100000; PRAGMA cache_size = -12288;"
        for ((a = 1; a <= n; a += k)); do
            echo "BEGIN;"
            users_sql "$a" "$((a + k - 1 < n ? a + k - 1 : n))"
            echo "COMMIT;"
        done
    } >"$work/chunked.sql"
    sqlite3_rate "$n" "$work/chunked.sql"
}

# Peak RSS in KiB of one run (GNU time's %M).
peak_rss() {
    rm -f "$work/b.db"*
    /usr/bin/time -f %M "$SEED" users --db "$work/b.db" --seed 1 --quiet "$@" 2>&1 >/dev/null | tail -1
}

repeat() { local i; for ((i = 0; i < RUNS; i++)); do "$@"; done | median; }

echo "machine: $(nproc) cores, $(uname -sr), sqlite3 $(sqlite3 --version | cut -d' ' -f1); median of $RUNS runs"
bound_small=$(repeat bound_rate "$SMALL")
bound_large=$(repeat bound_rate "$LARGE")
per_row=$(repeat seed_rate --count "$SMALL")
# Quiet and drawn runs alternate, so a slower moment of a noisy machine
# falls on both; the bar's cost is the median of the pairs' ratios.
quiet_runs=() bar_runs=() bar_ratios=()
for ((i = 0; i < RUNS; i++)); do
    quiet_runs+=("$(seed_rate --count "$LARGE" --batch-size 1000)")
    bar_runs+=("$(bar_rate --count "$LARGE" --batch-size 1000)")
    bar_ratios+=("$(echo "${bar_runs[i]} / ${quiet_runs[i]}" | bc -l)")
done
batched=$(printf '%s\n' "${quiet_runs[@]}" | median)
batched_bar=$(printf '%s\n' "${bar_runs[@]}" | median)
bar_ratio=$(printf '%s\n' "${bar_ratios[@]}" | median)
chunked=$(repeat chunked_rate "$LARGE" 1000)
bulk=$(repeat seed_rate --count "$LARGE" --batch-size 100000)
generate=$(cargo bench --quiet --bench generate -- "$LARGE" | awk '{print $(NF-1)}')

printf '%-44s %12s %8s\n' "" "rows/s" "ratio"
printf '%-44s %12.0f %8s\n' "sqlite3 bound, $SMALL rows" "$bound_small" "1.00"
printf '%-44s %12.0f %8.2f\n' "seed, one commit per row, $SMALL rows" "$per_row" "$(echo "$per_row / $bound_small" | bc -l)"
printf '%-44s %12.0f %8s\n' "sqlite3 bound, $LARGE rows" "$bound_large" "1.00"
printf '%-44s %12.0f %8.2f\n' "seed --batch-size 1000, $LARGE rows" "$batched" "$(echo "$batched / $bound_large" | bc -l)"
printf '%-44s %12.0f %8.2f\n' "  the same with the progress bar drawn" "$batched_bar" "$bar_ratio"
printf '%-44s %12.0f %8.2f\n' "sqlite3 committing every 1000 rows" "$chunked" "$(echo "$chunked / $bound_large" | bc -l)"
printf '%-44s %12.0f %8.2f\n' "seed --batch-size 100000, $LARGE rows" "$bulk" "$(echo "$bulk / $bound_large" | bc -l)"
printf '%-44s %12.0f %8.2f\n' "generation alone (cargo bench), $LARGE rows" "$generate" "$(echo "$generate / $bound_large" | bc -l)"
echo "peak RSS, --batch-size 1000, $LARGE rows: $(peak_rss --count "$LARGE" --batch-size 1000) KiB"
