#!/usr/bin/env bash
# What a storefront page view costs (the bench drives only the API): one kamiflow node on a fresh database with 20
# products of 1,000 keys and one of BIG_KEYS (a flash sale's stock), then R requests of each page with curl
# (C in parallel) after as many unmeasured ones; CPU per request of the node and of this database's PostgreSQL
# backends, from /proc.
#
#   perf/storefront-reads.sh [R] [C]     # default 3000 requests per page, 16 in parallel
# env: PROJECT_JAR (else builds), JAVA_OPTS (-Xms512m -Xmx2g), KEEP_WORK=1, BIG_KEYS (50000)
set -u
R=${1:-3000}
C=${2:-16}
repo=$(cd "$(dirname "$0")/.." && pwd)
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx2g}
work=$(mktemp -d -t kamiflow-reads.XXXXXX)
stamp=$(date +%s)
db=kamibench_reads_${stamp}_$$
role=kamibench
pass=reads-admin-$stamp
node=
. "$(dirname "$0")/lib.sh"
cleanup() {
  [ -n "$node" ] && kill "$node" 2>/dev/null && wait "$node" 2>/dev/null
  su postgres -c "dropdb --if-exists --force $db" >/dev/null 2>&1
  [ "${KEEP_WORK:-}" = 1 ] && echo "logs in $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${PROJECT_JAR:-}" ]; then (cd "$repo" && ./mvnw -q -B -DskipTests package) >"$work/build.log" 2>&1 || exit 2; fi
jar=${PROJECT_JAR:-$(ls "$repo"/target/*.jar | grep -v '\.original$' | head -1)}
[ "$(psql_su "select count(*) from pg_roles where rolname='$role'")" = 1 ] || psql_su "create role $role login password '$role'"
su postgres -c "createdb -O $role $db" || exit 2
port=18780; mgmt=18781
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$jar" --server.port=$port --management.server.port=$mgmt \
  --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db" --spring.datasource.username=$role \
  --spring.datasource.password=$role --camunda.bpm.admin-user.id=admin --camunda.bpm.admin-user.password="$pass" \
  --kamiflow.dev.enabled=false --kamiflow.crypto.active-key-id=r --kamiflow.crypto.keys.r="$(rand32)" \
  --kamiflow.crypto.fingerprint-key="$(rand32)" --kamiflow.payment.sandbox.secret=reads >"$work/node.log" 2>&1 &
node=$!
for _ in $(seq 1 480); do curl -sf -o /dev/null "http://127.0.0.1:$mgmt/actuator/health/readiness" && break; sleep 0.5; done
for i in $(seq 1 20); do
  curl -sf -o /dev/null -u "admin:$pass" -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/admin/products" \
    -d "{\"sku\":\"READ$i\",\"name\":\"Read test $i\",\"price\":\"1.00\",\"currency\":\"CNY\",\"lowStockThreshold\":0}" || exit 2
  curl -sf -o /dev/null -u "admin:$pass" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$port/api/admin/products/READ$i/keys/generate" -d '{"count":1000,"prefix":"R"}' || exit 2
done

curl -sf -o /dev/null -u "admin:$pass" -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/admin/products" \
  -d '{"sku":"READBIG","name":"Flash sale","price":"1.00","currency":"CNY","lowStockThreshold":0}' || exit 2
for _ in $(seq 1 $(( ${BIG_KEYS:-50000} / 10000 ))); do
  curl -sf -o /dev/null -u "admin:$pass" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$port/api/admin/products/READBIG/keys/generate" -d '{"count":10000,"prefix":"B"}' || exit 2
done
su postgres -c "psql -qAtX -d $db -c 'VACUUM ANALYZE card_key'"

ticks() { # node, then this database's backends
  local s t=0 pid
  read -r s <"/proc/$node/stat"; s=${s##*) }; set -- $s; echo -n "$(( ${12} + ${13} )) "
  for pid in $(psql_su "select pid from pg_stat_activity where datname = '$db'"); do
    read -r s 2>/dev/null <"/proc/$pid/stat" || continue; s=${s##*) }; set -- $s; t=$(( t + ${12} + ${13} ))
  done
  echo $t
}
echo "| page | requests | requests/s | node CPU ms/request | PostgreSQL CPU ms/request |"
echo "|---|---|---|---|---|"
for page in "/" "/products/READ7" "/products/READBIG" "/api/products"; do
  url="http://127.0.0.1:$port${page}?r=[1-$R]"
  curl -s --parallel --parallel-max "$C" -o /dev/null "$url" 2>/dev/null   # warm-up, unmeasured
  read -r n0 p0 < <(ticks); a=$EPOCHREALTIME
  codes=$(curl -s --parallel --parallel-max "$C" -o /dev/null -w '%{http_code}\n' "$url" 2>/dev/null | sort | uniq -c | tr -s ' ' | tr '\n' ';')
  b=$EPOCHREALTIME; read -r n1 p1 < <(ticks)
  awk -v p="$page" -v r="$R" -v a="$a" -v b="$b" -v n=$((n1 - n0)) -v q=$((p1 - p0)) -v c="$codes" \
    'BEGIN { printf "| `%s` | %d (%s) | %.0f | %.2f | %.2f |\n", p, r, c, r / (b - a), n * 10 / r, q * 10 / r }'
done
