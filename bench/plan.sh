#!/usr/bin/env bash
# A plan file beside the built-in preset it was printed from: rows per
# second of `seed users --plan flask-base.toml` (the file written once by
# `seed plan --app flask-base`) and of `seed users --app flask-base`, the
# two alternating run by run (which goes first swaps every run) so that the
# machine's noise falls on both. Rates are rows over the whole process's
# wall time, median of RUNS runs each. Each run gets a fresh place: a new
# SQLite file, PostgreSQL schema or MariaDB/MySQL database (the servers'
# dropped after the run, and any left at the end) holding flask-base's
# empty tables and its two roles, made untimed by `seed roles --app
# flask-base`: a plan file fills a table that is there (on an empty
# database it stops: no roles table), so both variants start from the
# same tables and are timed on the same work. The requirement: a plan over
# flask-base's table within 10% of the preset, so plan/preset >= 0.90.
# Also times `seed plan` itself (median of PLAN_RUNS runs): the preset's,
# and the one read from a seeded flask-base SQLite file.
#
#   bench/plan.sh                    # sqlite postgres mysql: 100k per row, 1M bulk
#   RUNS=3 ROWS_SINGLE=5000 ROWS_BULK=50000 ROWS_SERVER_BULK=50000 bench/plan.sh sqlite
#   bench/plan.sh postgres mysql     # only the servers' bulk loads
#
# Cases: SQLite one commit per row (ROWS_SINGLE, default 100000), SQLite
# --batch-size 100000 (ROWS_BULK, default 1000000), PostgreSQL and MariaDB
# --batch-size 100000 (ROWS_SERVER_BULK, default 1000000).
# Servers: SEED_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
# and SEED_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
# The binary: SEED_BIN (default target/release/seed, built if missing).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PLAN_RUNS=${PLAN_RUNS:-5}
ROWS_SINGLE=${ROWS_SINGLE:-100000}
ROWS_BULK=${ROWS_BULK:-1000000}
ROWS_SERVER_BULK=${ROWS_SERVER_BULK:-1000000}
PG_URL=${SEED_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
MY_URL=${SEED_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}
SEED_BIN=${SEED_BIN:-${CARGO_TARGET_DIR:-target}/release/seed}
BACKENDS=("${@:-sqlite postgres mysql}")
read -r -a BACKENDS <<<"${BACKENDS[*]}"
for backend in "${BACKENDS[@]}"; do
    case $backend in
        sqlite | postgres | mysql) ;;
        *) echo "unknown backend '$backend' (sqlite, postgres or mysql)" >&2; exit 2 ;;
    esac
done

if [[ ! -x $SEED_BIN ]]; then
    cargo build --release --quiet
fi
SEED_BIN=$(realpath "$SEED_BIN")

work=$(mktemp -d)
tag="seed_plan_bench_$$"
# `fresh` runs in a subshell: the cleanup finds what it made by name.
cleanups=()
cleanup() {
    local fn
    for fn in "${cleanups[@]}"; do "$fn" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Every seed runs here: no seed.toml to pick up, and no seed.db left in
# the work tree by a command that was given no --db.
cd "$work"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.6f\n", b - a }'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
runs_of() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

PLAN="$work/flask-base.toml"
"$SEED_BIN" plan --app flask-base >"$PLAN"
# flask-base's empty tables and roles, copied for each SQLite run.
"$SEED_BIN" roles --app flask-base --db "$work/schema.db" --quiet >/dev/null

# Wall seconds of one `seed users` run into $1 (a fresh place) of $2 rows;
# the rest (--app or --plan, then options) is passed on.
wall() {
    local db=$1 rows=$2 started
    shift 2
    started=$(now)
    "$SEED_BIN" users --db "$db" --count "$rows" --seed 1 --quiet "$@" >/dev/null
    since "$started"
}

# One row of the table: RUNS pairs of runs of $2 rows with the options
# after it, each into a place from the backend's `fresh`, let go by its
# `finish` (untimed), preset and plan alternating.
rows_out=()
bench_case() {
    local name=$1 rows=$2 i variant url preset_s plan_s preset_r plan_r ratio verdict
    shift 2
    local order variant_args
    : >"$work/preset.s"
    : >"$work/plan.s"
    for ((i = 1; i <= RUNS; i++)); do
        if ((i % 2)); then order=(preset plan); else order=(plan preset); fi
        for variant in "${order[@]}"; do
            if [[ $variant == preset ]]; then
                variant_args=(--app flask-base)
            else
                variant_args=(--plan "$PLAN")
            fi
            url=$(fresh)
            wall "$url" "$rows" "${variant_args[@]}" "$@" >>"$work/$variant.s"
            finish "$url"
        done
    done
    preset_s=$(median <"$work/preset.s")
    plan_s=$(median <"$work/plan.s")
    preset_r=$(rate "$rows" "$preset_s")
    plan_r=$(rate "$rows" "$plan_s")
    ratio=$(awk -v a="$preset_s" -v b="$plan_s" 'BEGIN { printf "%.3f", a / b }')
    verdict=ok
    awk -v r="$ratio" 'BEGIN { exit !(r < 0.90) }' && verdict=SLOWER
    printf '%-34s %9s %9.2f %9.2f %12s %12s %8s  %s\n' "$name" "$rows" "$preset_s" "$plan_s" \
        "$preset_r" "$plan_r" "$ratio" "$verdict"
    rows_out+=("$(printf '  %s: preset %s; plan %s' "$name" "$(runs_of "$work/preset.s")" "$(runs_of "$work/plan.s")")")
}

header() {
    printf '%-34s %9s %9s %9s %12s %12s %8s  %s\n' case rows "preset s" "plan s" \
        "preset r/s" "plan r/s" plan/pre ">=0.90"
}

bench_sqlite() {
    fresh() {
        rm -f "$work/b.db"*
        cp "$work/schema.db" "$work/b.db"
        echo "$work/b.db"
    }
    finish() { rm -f "$1"*; }
    bench_case "sqlite, one commit per row" "$ROWS_SINGLE"
    bench_case "sqlite --batch-size 100000" "$ROWS_BULK" --batch-size 100000
}

pg() { psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
drop_pg() {
    pg -c "SELECT nspname FROM pg_namespace WHERE nspname LIKE '${tag}%'" |
        while read -r schema; do pg -c "DROP SCHEMA $schema CASCADE"; done
}
postgres_info() {
    echo "PostgreSQL $(pg -c 'SHOW server_version'): synchronous_commit=$(pg -c 'SHOW synchronous_commit'), fsync=$(pg -c 'SHOW fsync')"
}
bench_postgres() {
    cleanups+=(drop_pg)
    fresh() {
        local schema url sep='?'
        schema="${tag}_$(date +%s%N)"
        pg -c "CREATE SCHEMA $schema"
        [[ $PG_URL == *\?* ]] && sep='&'
        url="$PG_URL${sep}options=-csearch_path%3D$schema"
        "$SEED_BIN" roles --app flask-base --db "$url" --quiet >/dev/null
        echo "$url"
    }
    finish() { pg -c "SET client_min_messages = warning" -c "DROP SCHEMA ${1##*%3D} CASCADE"; }
    bench_case "postgres --batch-size 100000" "$ROWS_SERVER_BULK" --batch-size 100000
}

# mysql://user[:password]@host[:port]/database
# Global, not local: the cleanup on exit connects with them too.
my_parse() {
    local rest auth=""
    rest=${MY_URL#*://}
    rest=${rest%%\?*}
    [[ $rest == *@* ]] && { auth=${rest%@*}; rest=${rest##*@}; }
    my_hostport=${rest%%/*}
    my_db=${rest#*/}
    my_user=${auth%%:*}
    my_password=""
    [[ $auth == *:* ]] && my_password=${auth#*:}
    my_host=${my_hostport%:*}
    my_port=3306
    [[ $my_hostport == *:* ]] && my_port=${my_hostport##*:}
    my_base=${MY_URL%%/"$my_db"*}
}
my() { MYSQL_PWD="$my_password" mysql --protocol=TCP -h "$my_host" -P "$my_port" -u "${my_user:-root}" -N -B "$@"; }
drop_my() {
    my -e "SHOW DATABASES LIKE '${tag}%'" |
        while read -r name; do my -e "DROP DATABASE $name"; done
}
mysql_info() {
    my_parse
    echo "$(my -e 'SELECT VERSION()'): innodb_flush_log_at_trx_commit=$(my -e 'SELECT @@innodb_flush_log_at_trx_commit'), log_bin=$(my -e 'SELECT @@log_bin')"
}
bench_mysql() {
    my_parse
    cleanups+=(drop_my)
    fresh() {
        local name
        name="${tag}_$(date +%s%N)"
        my -e "CREATE DATABASE $name"
        "$SEED_BIN" roles --app flask-base --db "$my_base/$name" --quiet >/dev/null
        echo "$my_base/$name"
    }
    finish() { my -e "DROP DATABASE ${1##*/}"; }
    bench_case "mysql --batch-size 100000" "$ROWS_SERVER_BULK" --batch-size 100000
}

# Median wall seconds of PLAN_RUNS runs of `seed plan` with these options.
plan_time() {
    local i started
    for ((i = 0; i < PLAN_RUNS; i++)); do
        started=$(now)
        "$SEED_BIN" plan "$@" >/dev/null
        since "$started"
    done | median
}

echo "seed $("$SEED_BIN" --version | cut -d' ' -f2), $(nproc) cores, $(uname -sr); median of $RUNS runs, preset and plan alternating"
for backend in "${BACKENDS[@]}"; do
    case $backend in
        sqlite) echo "SQLite: sqlite3 $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)" ;;
        postgres) postgres_info ;;
        mysql) mysql_info ;;
    esac
done

# A plan as JSON without what it was read from (the comments in TOML, the
# "plan" key in JSON), to compare plans from different sources.
canonical() {
    "$SEED_BIN" plan --json "$@" |
        python3 -c 'import json, sys; d = json.load(sys.stdin); d.pop("plan", None); print(json.dumps(d, sort_keys=True))'
}
# The plan read back: the same plan, and the same rows (digest) as the preset.
if [[ $(canonical --plan "$PLAN") == "$(canonical --app flask-base)" ]]; then
    echo "plan file: $(wc -l <"$PLAN") lines; read back by seed plan --plan: the same plan"
else
    echo "plan file: $(wc -l <"$PLAN") lines; read back by seed plan --plan: DIFFERENT"
    diff <(canonical --app flask-base) <(canonical --plan "$PLAN") | sed 's/^/  /' || true
fi
digest() {
    rm -f "$work/d.db"*
    cp "$work/schema.db" "$work/d.db"
    "$SEED_BIN" users --db "$work/d.db" --count 1000 --seed 1 --json "$@" |
        sed -n 's/.*"digest":"\([^"]*\)".*/\1/p'
}
digest_preset=$(digest --app flask-base)
digest_plan=$(digest --plan "$PLAN")
if [[ -n $digest_preset && $digest_preset == "$digest_plan" ]]; then
    echo "digest of 1000 rows, --seed 1: the same for preset and plan ($digest_preset)"
else
    echo "digest of 1000 rows, --seed 1: DIFFERENT: preset $digest_preset, plan $digest_plan"
fi
rm -f "$work/d.db"*
echo

header
for backend in "${BACKENDS[@]}"; do
    "bench_$backend"
done
echo "runs (s):"
printf '%s\n' "${rows_out[@]}"

# `seed plan`: the preset's, and the one read from a seeded flask-base file
# (the preset detected from its tables).
echo
"$SEED_BIN" users --db "$work/seeded.db" --app flask-base --count "$ROWS_SINGLE" --seed 1 \
    --batch-size 100000 --quiet >/dev/null
preset_plan=$(plan_time --app flask-base)
file_plan=$(plan_time --db "$work/seeded.db")
same="the same plan as --app flask-base's"
[[ $(canonical --db "$work/seeded.db") == "$(canonical --app flask-base)" ]] ||
    same="NOT the same plan as --app flask-base's"
printf 'seed plan --app flask-base: %.3f s (median of %s runs)\n' "$preset_plan" "$PLAN_RUNS"
printf 'seed plan --db seeded.db (%s flask-base users): %.3f s (median of %s runs); %s\n' \
    "$ROWS_SINGLE" "$file_plan" "$PLAN_RUNS" "$same"
