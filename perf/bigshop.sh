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

if [ "$($psql -Atc "SELECT to_regclass('customer_order') IS NOT NULL")" != t ]; then
  jar=${KAMIFLOW_JAR:-$(ls "$here"/../target/kamiflow-*.jar 2>/dev/null | head -1)}
  [ -f "$jar" ] || { echo "no kamiflow jar to make the schema with: ./mvnw -q package -DskipTests, or set KAMIFLOW_JAR" >&2; exit 1; }
  echo "making kamiflow's schema in $db with $(basename "$jar")"
  log=$(mktemp)
  java -jar "$jar" --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$db" \
    --spring.datasource.username="$PGUSER" --spring.datasource.password="$PGPASSWORD" \
    --server.port=0 --management.server.port=0 --kamiflow.dev.sample-product=false > "$log" 2>&1 &
  app=$!
  for _ in $(seq 1 180); do
    grep -q "Started KamiflowApplication" "$log" && break
    kill -0 $app 2>/dev/null || { cat "$log" >&2; echo "kamiflow did not start" >&2; exit 1; }
    sleep 1
  done
  kill $app; wait $app 2>/dev/null || true
  grep -q "Started KamiflowApplication" "$log" || { tail -50 "$log" >&2; echo "kamiflow did not start in 3 minutes" >&2; exit 1; }
  rm -f "$log"
fi

echo "generating $orders orders and $keys keys in $db"
start=$(date +%s)
$psql -v orders="$orders" -v keys="$keys" -f "$here/bigshop.sql"
echo "generated in $(( $(date +%s) - start )) s"
