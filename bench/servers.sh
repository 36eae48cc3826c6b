#!/usr/bin/env bash
# Rows per second of `seed users` on PostgreSQL and MariaDB/MySQL: one
# commit per row (alone and with --jobs 4), --batch-size 1000, and a bulk
# load (--batch-size 100000), beside the server's own INSERT … SELECT of
# generated rows into the same schema (the bound: no client, no round
# trips) at the same row count, measured in the same run. Rates are rows
# over the whole process's wall time: what a user waits for. Each run gets
# a fresh schema or database, dropped at the end. Server settings are
# printed, never changed.
#
#   bench/servers.sh         # both servers: 20k per row, 100k batched, 1M bulk
#   ROWS_SINGLE=5000 ROWS_BATCH=50000 ROWS_BULK=200000 bench/servers.sh postgres
#
# Servers: SEED_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
# and SEED_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
set -euo pipefail

cd "$(dirname "$0")/.."
PG_URL=${SEED_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
MY_URL=${SEED_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}
ROWS_SINGLE=${ROWS_SINGLE:-20000}
ROWS_BATCH=${ROWS_BATCH:-100000}
ROWS_BULK=${ROWS_BULK:-1000000}
SEED_BIN=${SEED_BIN:-${CARGO_TARGET_DIR:-target}/release/seed}
SERVERS=("${@:-postgres mysql}")
read -r -a SERVERS <<<"${SERVERS[*]}"

if [[ ! -x $SEED_BIN ]]; then
    cargo build --release --quiet
fi

tag="seed_bench_$$"
# `fresh` runs in a subshell: the cleanup finds what it made by name.
cleanups=()
cleanup() {
    for fn in "${cleanups[@]}"; do "$fn" >/dev/null 2>&1 || true; done
}
trap 'cleanup; rm -f "/tmp/seed_bench_rss.$$"' EXIT

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
row() { printf '  %-40s %10s rows/s%s\n' "$1" "$2" "${3:-}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# seed users into a fresh place; prints rows/s over the whole process's
# wall time, and leaves its peak RSS (KiB) in /tmp/seed_bench_rss.$$.
seed_rate() {
    local url=$1 rows=$2 started
    shift 2
    started=$(now)
    /usr/bin/time -f %M -o "/tmp/seed_bench_rss.$$" \
        "$SEED_BIN" users --db "$url" --count "$rows" --seed 1 --hash-iterations 1 --quiet "$@"
    rate "$rows" "$(awk -v a="$started" -v b="$(now)" 'BEGIN { print b - a }')"
}
rss() { awk '{ printf " (peak RSS %.1f MiB)", $1 / 1024 }' "/tmp/seed_bench_rss.$$"; }

# Every row for one backend: its `fresh` makes a place, its `bound ROWS`
# seeds the roles there and times the server's own INSERT … SELECT.
runs() {
    local single jobs batched bulk bound
    single=$(seed_rate "$(fresh)" "$ROWS_SINGLE")
    row "seed, one commit per row ($ROWS_SINGLE)" "$single"
    jobs=$(seed_rate "$(fresh)" "$ROWS_SINGLE" --jobs 4)
    row "seed --jobs 4, one commit per row" "$jobs" "  ($(ratio "$jobs" "$single")x one job)"
    batched=$(seed_rate "$(fresh)" "$ROWS_BATCH" --batch-size 1000)
    bound=$(bound "$ROWS_BATCH")
    row "bound: INSERT … SELECT ($ROWS_BATCH)" "$bound"
    row "seed --batch-size 1000 ($ROWS_BATCH)" "$batched" "  ($(ratio "$batched" "$bound")x bound)"
    batched=$(seed_rate "$(fresh)" "$ROWS_BATCH" --batch-size 1000 --jobs 4)
    row "seed --batch-size 1000 --jobs 4" "$batched" "  ($(ratio "$batched" "$bound")x bound)"
    local url memory same
    url=$(fresh)
    bulk=$(seed_rate "$url" "$ROWS_BULK" --batch-size 100000)
    memory=$(rss)
    bound=$(bound "$ROWS_BULK")
    same=$(same_rows "$ROWS_BULK" "$url")
    row "bound: INSERT … SELECT ($ROWS_BULK)" "$bound"
    row "bound: the same rows seed made" "$same" "  ($(ratio "$same" "$bound")x bound)"
    row "seed --batch-size 100000 ($ROWS_BULK)" "$bulk" "  ($(ratio "$bulk" "$bound")x bound, $(ratio "$bulk" "$same")x same rows)$memory"
}

# The columns seed fills for flask-base, as the bounds insert them.
COLUMNS="confirmed, first_name, last_name, email, password_hash, role_id"

pg() { psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
drop_pg() {
    pg -c "SELECT nspname FROM pg_namespace WHERE nspname LIKE '${tag}%'" |
        while read -r schema; do pg -c "DROP SCHEMA $schema CASCADE"; done
}

bench_postgres() {
    cleanups+=(drop_pg)
    fresh() {
        local schema="${tag}_$(date +%s%N)"
        pg -c "CREATE SCHEMA $schema"
        local sep='?'
        [[ $PG_URL == *\?* ]] && sep='&'
        echo "$PG_URL${sep}options=-csearch_path%3D$schema"
    }
    bound() {
        local url schema started
        url=$(fresh)
        schema=${url##*%3D}
        "$SEED_BIN" roles --db "$url" --quiet
        started=$(now)
        pg -c "SET search_path = $schema;
            INSERT INTO users (confirmed, first_name, last_name, email, password_hash, role_id)
            SELECT true, 'First' || g, 'Last' || g, 'user' || g || '@example.com',
                   'pbkdf2:sha256:1\$abcdefghijklmnop\$' || md5(g::text) || md5(g::text), 1 + g % 2
            FROM generate_series(1, $1) AS g"
        rate "$1" "$(awk -v a="$started" -v b="$(now)" 'BEGIN { print b - a }')"
    }
    # The rows seed put at $2, copied (untimed) into a fresh place, then
    # inserted there by the server in one INSERT … SELECT in seed's order:
    # what the server needs for these very rows, with no client at all.
    same_rows() {
        local url schema from started
        url=$(fresh)
        schema=${url##*%3D}
        from=${2##*%3D}
        "$SEED_BIN" roles --db "$url" --quiet
        pg -c "CREATE TABLE $schema.source AS SELECT $COLUMNS FROM $from.users ORDER BY id"
        started=$(now)
        pg -c "INSERT INTO $schema.users ($COLUMNS) SELECT $COLUMNS FROM $schema.source"
        rate "$1" "$(awk -v a="$started" -v b="$(now)" 'BEGIN { print b - a }')"
    }
    echo "PostgreSQL $(pg -c 'SHOW server_version'): synchronous_commit=$(pg -c 'SHOW synchronous_commit'), fsync=$(pg -c 'SHOW fsync')"
    runs
}

bench_mysql() {
    # mysql://user[:password]@host[:port]/database
    # Global, not local: the cleanup on exit connects with them too.
    rest=${MY_URL#*://} auth="" password=""
    rest=${rest%%\?*}
    [[ $rest == *@* ]] && { auth=${rest%@*}; rest=${rest##*@}; }
    hostport=${rest%%/*}
    db=${rest#*/}
    user=${auth%%:*}
    [[ $auth == *:* ]] && password=${auth#*:}
    host=${hostport%:*}
    port=3306
    [[ $hostport == *:* ]] && port=${hostport##*:}
    local base=${MY_URL%%/"$db"*}
    my() { MYSQL_PWD="$password" mysql --protocol=TCP -h "$host" -P "$port" -u "${user:-root}" -N -B "$@"; }
    drop_my() {
        my -e "SHOW DATABASES LIKE '${tag}%'" |
            while read -r name; do my -e "DROP DATABASE $name"; done
    }
    cleanups+=(drop_my)
    fresh() {
        local name="${tag}_$(date +%s%N)"
        my -e "CREATE DATABASE $name"
        echo "$base/$name"
    }
    bound() {
        local url started
        url=$(fresh)
        "$SEED_BIN" roles --db "$url" --quiet
        # A recursive CTE stops at cte_max_recursion_depth (MySQL 8) or
        # max_recursive_iterations (MariaDB); raise it for this session only.
        local depth="SET SESSION max_recursive_iterations = $(($1 + 1));"
        if my -e 'SELECT @@cte_max_recursion_depth' >/dev/null 2>&1; then
            depth="SET SESSION cte_max_recursion_depth = $(($1 + 1));"
        fi
        started=$(now)
        my "${url##*/}" -e "$depth
            INSERT INTO users (confirmed, first_name, last_name, email, password_hash, role_id)
            SELECT true, CONCAT('First', g), CONCAT('Last', g), CONCAT('user', g, '@example.com'),
                   CONCAT('pbkdf2:sha256:1\$abcdefghijklmnop\$', MD5(g), MD5(g)), 1 + g % 2
            FROM (WITH RECURSIVE seq (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < $1)
                  SELECT g FROM seq) AS s"
        rate "$1" "$(awk -v a="$started" -v b="$(now)" 'BEGIN { print b - a }')"
    }
    same_rows() {
        local url name from started
        url=$(fresh)
        name=${url##*/}
        from=${2##*/}
        "$SEED_BIN" roles --db "$url" --quiet
        my -e "CREATE TABLE $name.source AS SELECT id AS seq, $COLUMNS FROM $from.users"
        started=$(now)
        my -e "INSERT INTO $name.users ($COLUMNS) SELECT $COLUMNS FROM $name.source ORDER BY seq"
        rate "$1" "$(awk -v a="$started" -v b="$(now)" 'BEGIN { print b - a }')"
    }
    echo "$(my -e 'SELECT VERSION()'): innodb_flush_log_at_trx_commit=$(my -e 'SELECT @@innodb_flush_log_at_trx_commit'), log_bin=$(my -e 'SELECT @@log_bin')"
    runs
}

echo "seed $("$SEED_BIN" --version | cut -d' ' -f2), $(nproc) cores"
for server in "${SERVERS[@]}"; do
    case $server in
        postgres) bench_postgres ;;
        mysql) bench_mysql ;;
        *) echo "unknown server '$server' (postgres or mysql)" >&2; exit 2 ;;
    esac
done
