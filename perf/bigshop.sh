#!/usr/bin/env bash
# A big shop to measure kamiflow's queries on: 1,000,000 orders and 5,000,000 keys by default, with payments, reveals,
# delivery attempts, audit rows and running instances in a busy shop's proportions (perf/bigshop.sql says which).
#
#   perf/bigshop.sh DATABASE [ORDERS] [KEYS]      # then: perf/bigshop-plans.sh DATABASE > plans.md
#
# DATABASE must be a scratch database of its own (the script refuses one that holds orders), e.g.
#   runuser -u postgres -- createdb -O kamiflow kamiflow_bigshop      (and dropdb kamiflow_bigshop when done)
# psql connects as the PG* environment says (PGHOST, PGPORT, PGUSER, PGPASSWORD; default 127.0.0.1, kamiflow).
# kamiflow's schema is made first by starting the app once against the database (Flyway and Camunda make their tables
# as in production, the app stops as soon as it has started): target/kamiflow-*.jar, or KAMIFLOW_JAR; build it with
# ./mvnw -q package -DskipTests. Everything else is SQL (generate_series). ~6 minutes on 2 cores for the default size.
set -euo pipefail
db=${1:?usage: perf/bigshop.sh DATABASE [ORDERS] [KEYS]}
orders=${2:-1000000}
keys=${3:-5000000}
here=$(cd "$(dirname "$0")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-kamiflow} PGPASSWORD=${PGPASSWORD:-kamiflow}
psql="psql -X -q -v ON_ERROR_STOP=1 -d $db"
log() { echo "$*" >&2; }
. "$here/lib.sh"

if [ "$($psql -Atc "SELECT to_regclass('customer_order') IS NOT NULL")" != t ]; then
  jar=${KAMIFLOW_JAR:-$(ls "$here"/../target/kamiflow-*.jar 2>/dev/null | head -1)}
  [ -f "$jar" ] || { echo "no kamiflow jar to make the schema with: ./mvnw -q package -DskipTests, or set KAMIFLOW_JAR" >&2; exit 1; }
  echo "making kamiflow's schema in $db with $(basename "$jar")"
  kamiflow_schema "$jar" "$db"
fi

echo "generating $orders orders and $keys keys in $db"
start=$(date +%s)
$psql -v orders="$orders" -v keys="$keys" -f "$here/bigshop.sql"
echo "generated in $(( $(date +%s) - start )) s"
