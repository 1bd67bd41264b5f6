#!/usr/bin/env bash
# What PostgreSQL does per order, statement by statement: runs the bench (../shared/bench: its driver, sink, checks;
# kamiflow and, with WITH_BASELINE=1, the one-transaction baseline) against a throwaway PostgreSQL cluster with
# pg_stat_statements loaded, and prints per app the statements by total execution time: calls, rows and ms per
# order, plus commits and rows per order from pg_stat_database and, per table, rows inserted, updated (and how many of
# those were HOT: no index touched), deleted, from pg_stat_user_tables. Per order = over every order the app took in the run
# (warm-up and measured round; seeding and background polling included, which is why small periodic statements show
# fractional calls). The main cluster is not touched.
#
#   perf/pg-statements.sh [N] [C]       (default 1000 16; PROJECT_JAR=jar skips the build; TOP=40 rows per app)
#   AUTO_EXPLAIN_MS=0.5 PG_LOG=/tmp/pg.log ...   also logs the plan of every statement slower than that (auto_explain;
#                                                AUTO_EXPLAIN_ANALYZE=on for actual rows and buffers) into PG_LOG
set -euo pipefail
n=${1:-1000}; c=${2:-16}
bench=${BENCH_DIR:-$(cd "$(dirname "$0")/../../shared/bench" && pwd)}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port=${STATS_PORT:-5433}
work=$(mktemp -d -t kamiflow-pgstat.XXXXXX)
chmod 755 "$work"; touch "$work/pg.log"; chown postgres "$work/pg.log"
data="$work/data"
mkdir "$data" && chown postgres "$data"
pgctl() { su postgres -c "$bin/pg_ctl -D $data $*"; }
trap 'pgctl "-m immediate stop" >/dev/null 2>&1 || true; [ -z "${PG_LOG:-}" ] || cp "$work/pg.log" "$PG_LOG"; [ -z "${STMTS_DIR:-}" ] || cp "$work"/stmts-*.tsv "$work"/db-*.tsv "$work"/tables-*.tsv "$STMTS_DIR"/; rm -rf "$work"' EXIT

su postgres -c "$bin/initdb -D $data --auth=trust -U postgres" >"$work/initdb.log"
pgctl "-l $work/pg.log -w -o \"-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data \
  -c shared_preload_libraries=pg_stat_statements,auto_explain -c auto_explain.log_min_duration=${AUTO_EXPLAIN_MS:--1} \
  -c auto_explain.log_buffers=on -c auto_explain.log_analyze=${AUTO_EXPLAIN_ANALYZE:-off} -c pg_stat_statements.max=5000 -c max_connections=200 \
  -c shared_buffers=256MB -c track_io_timing=on\" start" >/dev/null
psql_t() { psql -h 127.0.0.1 -p "$port" -U postgres -qAt "$@"; }
psql_t -c "create extension pg_stat_statements" postgres

# The bench's run.sh pointed at this cluster; after each app's run, before its database is dropped, its statements
# and counters are saved.
snapshot='psql -h 127.0.0.1 -p '"$port"' -U postgres -qAt -F"\t" -c "select s.calls, s.rows, round(s.total_exec_time::numeric, 1), s.shared_blks_hit + s.shared_blks_read, regexp_replace(s.query, '"'"'\\s+'"'"', '"'"' '"'"', '"'"'g'"'"') from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = '"'"'$db'"'"' order by s.total_exec_time desc" postgres > "'"$work"'/stmts-$name.tsv"; psql -h 127.0.0.1 -p '"$port"' -U postgres -qAt -F"\t" -c "select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, (select count(*) from customer_order) from pg_stat_database where datname = current_database()" "$db" > "'"$work"'/db-$name.tsv"; psql -h 127.0.0.1 -p '"$port"' -U postgres -qAt -F"\t" -c "select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables where n_tup_ins + n_tup_upd + n_tup_del > 0 order by n_tup_ins + n_tup_upd + n_tup_del desc" "$db" > "'"$work"'/tables-$name.tsv"'
sed -e "s#^here=.*#here=$bench#" \
    -e "s#127.0.0.1:5432#127.0.0.1:$port#g" \
    -e "s#psql -qAt#psql -h 127.0.0.1 -p $port -U postgres -qAt#" \
    -e "s#createdb -O#createdb -h 127.0.0.1 -p $port -U postgres -O#; s#dropdb --if-exists#dropdb -h 127.0.0.1 -p $port -U postgres --if-exists#g" \
    -e 's/^run_app baseline /[ -n "${WITH_BASELINE:-}" ] \&\& run_app baseline /' \
    -e "s#^  stop_pid \"\$app_pid\"\$#  sleep 11; $(printf '%s' "$snapshot" | sed 's/[&#]/\\&/g')\n  stop_pid \"\$app_pid\"#" \
    "$bench/run.sh" > "$work/run.sh"
grep -q "stmts-" "$work/run.sh" || { echo "could not hook the snapshot into run.sh" >&2; exit 2; }
PROJECT=${PROJECT:-$PWD} bash "$work/run.sh" "$n" "$c" | tail -n +1 >"$work/bench.out" || { cat "$work/bench.out"; echo "bench failed" >&2; }
cat "$work/bench.out"

for f in "$work"/db-*.tsv; do
  name=$(basename "$f" .tsv); name=${name#db-}
  IFS=$'\t' read -r commits rollbacks ins upd del orders <"$f"
  echo
  echo "## $name: $orders orders in the database (warm-up + measured); per order: $(awk -v a="$commits" -v o="$orders" 'BEGIN{printf "%.2f", a/o}') commits, $(awk -v a="$ins" -v o="$orders" 'BEGIN{printf "%.2f", a/o}') rows inserted, $(awk -v a="$upd" -v o="$orders" 'BEGIN{printf "%.2f", a/o}') updated, $(awk -v a="$del" -v o="$orders" 'BEGIN{printf "%.2f", a/o}') deleted, rollbacks $rollbacks"
  awk -F'\t' -v o="$orders" '{c+=$1; t+=$3} END {printf "statements per order %.1f, execution ms per order %.3f\n\n", c/o, t/o}' "$work/stmts-$name.tsv"
  echo "| table | inserted/order | updated/order | of them HOT | deleted/order |"
  echo "|---|---|---|---|---|"
  awk -F'\t' -v o="$orders" '{printf "| %s | %.2f | %.2f | %.2f | %.2f |\n", $1, $2/o, $3/o, $4/o, $5/o}' "$work/tables-$name.tsv"
  echo
  echo "| calls/order | rows/order | ms/order | blocks/order | statement |"
  echo "|---|---|---|---|---|"
  head -n "${TOP:-40}" "$work/stmts-$name.tsv" | awk -F'\t' -v o="$orders" '{q=$5; if (length(q) > 160) q=substr(q,1,157) "..."; gsub(/\|/, "\\|", q); printf "| %.2f | %.2f | %.3f | %.1f | `%s` |\n", $1/o, $2/o, $3/o, $4/o, q}'
done
