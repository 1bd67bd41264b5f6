#!/usr/bin/env bash
# Sustained checkout load, kamiflow and the bench's one-transaction baseline one after the other (issue 23's checkout
# target): each from its jar with the bench's settings on a fresh database, then perf/CheckoutLoad.java (one product,
# C threads, one-key orders for distinct buyers, WARM_S unmeasured then MEASURE_S measured seconds). Prints a markdown
# table: checkouts/s, latency, CPU ms per checkout of the app and of PostgreSQL. The bench's own checkout round lasts
# 1-3 s, too short for a profile or a CPU split; this holds the load. The baseline is built in a temp copy of
# ../shared/bench/baseline (left untouched); no SMTP is needed (a checkout sends no mail).
#
#   perf/checkout.sh                 # builds kamiflow's jar unless PROJECT_JAR is set
# env: C=16 WARM_S=60 MEASURE_S=30 KEYS=150000 KEYS_PER_PRODUCT=1000, APPS="kamiflow baseline", JAVA_OPTS (default -Xms512m -Xmx2g),
#      KAMIFLOW_JAVA_OPTS (added for kamiflow only, e.g. a JFR recording), KAMIFLOW_ARGS, KEEP_WORK=1. ~4 minutes.
#      STALE_STATS=1: card_key's statistics taken once the keys are seeded and autovacuum off for it, as in a shop whose
#      table is so big that a sale never reaches autoanalyze's 10 % (the stock count's plans: perf/taken-keys.sh).
#      SOLD_OUT=1: then the first product's keys are taken (made VOID: their index entries stay, as a sale leaves them)
#      and every checkout asks for it: the measured rate is of refusals (409), a flash sale's buyers after the last key.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proj=$(cd "$here/.." && pwd)
bench=${BENCH_DIR:-$(cd "$proj/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
work=$(mktemp -d -t kamiflow-checkout.XXXXXX)
stamp=$(date +%s)
role=kamibench
admin_pass=load-admin-pass-$stamp
secret=load-sandbox-secret-$stamp
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx2g}
app_pid= db= rc=0

log() { printf '[checkout] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"
cleanup() {
  [ -n "$app_pid" ] && stop_pid "$app_pid"
  [ -n "$db" ] && su postgres -c "dropdb --if-exists --force $db" >/dev/null 2>&1
  if [ "${KEEP_WORK:-}" = 1 ] || [ "$rc" != 0 ]; then log "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_role "$role"
hook= # SQL run once the keys are seeded (CheckoutLoad --after-seed)
if [ -n "${STALE_STATS:-}${SOLD_OUT:-}" ]; then
  {
    [ -n "${STALE_STATS:-}" ] && echo "ANALYZE card_key; ALTER TABLE card_key SET (autovacuum_enabled = off);"
    [ -n "${SOLD_OUT:-}" ] && echo "UPDATE card_key SET status = 'VOID' WHERE product_id = (SELECT id FROM product WHERE sku LIKE 'LOAD-%-0');"
  } >"$work/after-seed.sql"
  chmod a+rx "$work"; chmod a+r "$work/after-seed.sql"
  hook="-f $work/after-seed.sql"
fi
kjar=$(kamiflow_jar "$proj" "$work/build.log") || exit 2
cp -r "$bench/baseline" "$work/baseline"
(cd "$work/baseline" && ${MVN:-mvn} -q -B -DskipTests package) >"$work/build-baseline.log" 2>&1 \
  || { tail -30 "$work/build-baseline.log"; die "baseline build failed"; }

rows=()
for app in ${APPS:-kamiflow baseline}; do
  db=kamiload_${app:0:1}_${stamp}_$$
  su postgres -c "createdb -O $role $db" || die "cannot create database $db"
  port=$(free_port 16181)
  common=(--server.port="$port" --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db"
    --spring.datasource.username=$role --spring.datasource.password=$role --spring.mail.host=127.0.0.1 --spring.mail.port=9)
  if [ "$app" = kamiflow ]; then
    # shellcheck disable=SC2086
    java $JAVA_OPTS ${KAMIFLOW_JAVA_OPTS:-} -jar "$kjar" "${common[@]}" --management.server.port="$(free_port 16191)" \
      --camunda.bpm.admin-user.id=admin --camunda.bpm.admin-user.password="$admin_pass" \
      --kamiflow.payment.sandbox.secret="$secret" --kamiflow.dev.enabled=false --kamiflow.crypto.active-key-id=bench \
      --kamiflow.crypto.keys.bench="$(rand32)" --kamiflow.crypto.fingerprint-key="$(rand32)" ${KAMIFLOW_ARGS:-} \
      >"$work/$app.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$work/baseline/target/baseline.jar" "${common[@]}" --baseline.admin.password="$admin_pass" \
      --baseline.sandbox.secret="$secret" --baseline.crypto.key="$(rand32)" --baseline.crypto.fingerprint-key="$(rand32)" \
      >"$work/$app.log" 2>&1 &
  fi
  app_pid=$!
  wait_http "http://127.0.0.1:$port/api/products" "$app_pid" 180 || { tail -40 "$work/$app.log"; rc=1; die "$app did not start"; }
  log "$app up on :$port; seeding ${KEYS:-150000} keys, then C=${C:-16}: ${WARM_S:-60} s warm-up, ${MEASURE_S:-30} s measured"
  row=$(java -Xmx1g "$here/CheckoutLoad.java" --app="$app" --base-url="http://127.0.0.1:$port" --pid="$app_pid" \
    --admin-user=admin --admin-password="$admin_pass" --c="${C:-16}" --warm-s="${WARM_S:-60}" \
    --measure-s="${MEASURE_S:-30}" --keys="${KEYS:-150000}" --keys-per-product="${KEYS_PER_PRODUCT:-1000}" \
    ${hook:+--after-seed="su postgres -c \"psql -qAtX -d $db $hook\""} --sold-out="${SOLD_OUT:+true}") \
    || rc=1
  rows+=("$row")
  stop_pid "$app_pid"; app_pid=
  su postgres -c "dropdb --if-exists --force $db" >/dev/null 2>&1; db=
done
echo
echo "| app | C | checkouts measured | checkouts/s | p50 ms | p99 ms | app CPU ms/checkout | PostgreSQL CPU ms/checkout | failed |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit $rc
