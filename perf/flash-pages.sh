#!/usr/bin/env bash
# Storefront page latency during a flash sale (issue 23): kamiflow from its jar with the bench's settings (fresh
# database, role kamibench, fresh AES/fingerprint keys, sandbox secret, kamiflow.dev.enabled=false) and the bench's
# SMTP sink (../shared/bench/driver, built in a temp copy), then perf/FlashPages.java: seeds 8 catalogue products in
# 2 categories and the sale's product through the admin API, warms up, measures the catalogue (/), the product page
# and buyers' order pages idle, then during a flash sale (C threads, more buyers than keys, every second order paid
# by a signed sandbox callback), and prints a markdown table (p50/p95/p99/max per page and phase) and checkout/s, and the
# stock counts the storefront made in each phase (kamiflow_storefront_stock_counts_total, from the management port).
#
#   perf/flash-pages.sh                     # builds the jar (./mvnw -DskipTests package) unless PROJECT_JAR is set
#   PROJECT_JAR=target/kamiflow-0.1.0-SNAPSHOT.jar perf/flash-pages.sh
# env: KEYS=1000 BUYERS=1500 C=16 R=8 THINK_MS=5 IDLE_S=20 WARM_S=20, JAVA_OPTS (default -Xms512m -Xmx2g),
#      KAMIFLOW_ARGS (extra --options), PORT_BASE=15000, KEEP_WORK=1 keeps the logs. About 2-3 minutes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proj=$(cd "$here/.." && pwd)
bench=${BENCH_DIR:-$(cd "$proj/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
work=$(mktemp -d -t kamiflow-flash.XXXXXX)
stamp=$(date +%s)
role=kamibench
admin_pass=flash-admin-pass-$stamp
secret=flash-sandbox-secret-$stamp
db=kamiflash_${stamp}_$$
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx2g}
sink_pid= app_pid= rc=1

log() { printf '[flash-pages] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"
cleanup() {
  [ -n "$app_pid" ] && stop_pid "$app_pid"
  [ -n "$sink_pid" ] && stop_pid "$sink_pid"
  su postgres -c "dropdb --if-exists --force $db" >/dev/null 2>&1
  if [ "${KEEP_WORK:-}" = 1 ] || [ "$rc" != 0 ]; then log "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_role "$role"

jar=$(kamiflow_jar "$proj" "$work/build.log") || exit 2
[ -f "$jar" ] || die "no kamiflow jar ($jar)"

# the bench's SMTP sink (GreenMail with TCP_NODELAY), built in a copy: ../shared stays untouched
cp -r "$bench/driver" "$work/driver"
(cd "$work/driver" && ${MVN:-mvn} -q -B package) >"$work/build-driver.log" 2>&1 || { tail -30 "$work/build-driver.log"; die "sink build failed"; }
base=${PORT_BASE:-15000}
smtp=$(free_port $((base + 25))); mailapi=$(free_port $((base + 80)))
java -Xmx512m -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$smtp" -Dgreenmail.api.hostname=127.0.0.1 \
  -Dgreenmail.api.port="$mailapi" -Dgreenmail.auth.disabled \
  -cp "$work/driver/target/classes:$work/driver/target/sink/greenmail-standalone.jar" bench.Sink >"$work/sink.log" 2>&1 &
sink_pid=$!
wait_http "http://127.0.0.1:$mailapi/api/service/readiness" "$sink_pid" 60 || { tail -20 "$work/sink.log"; die "SMTP sink did not start"; }

su postgres -c "createdb -O $role $db" || die "cannot create database $db"
port=$(free_port $((base + 181))); mport=$(free_port $((base + 191)))
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$jar" --server.port="$port" --management.server.port="$mport" \
  --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db" --spring.datasource.username=$role \
  --spring.datasource.password=$role --camunda.bpm.admin-user.id=admin --camunda.bpm.admin-user.password="$admin_pass" \
  --kamiflow.payment.sandbox.secret="$secret" --spring.mail.host=127.0.0.1 --spring.mail.port="$smtp" \
  --kamiflow.dev.enabled=false --kamiflow.crypto.active-key-id=bench --kamiflow.crypto.keys.bench="$(rand32)" \
  --kamiflow.crypto.fingerprint-key="$(rand32)" ${KAMIFLOW_ARGS:-} >"$work/kamiflow.log" 2>&1 &
app_pid=$!
t0=$(date +%s)
wait_http "http://127.0.0.1:$port/api/products" "$app_pid" 180 || { tail -40 "$work/kamiflow.log"; die "kamiflow did not start"; }
log "kamiflow $(basename "$jar") up in $(( $(date +%s) - t0 )) s on :$port (database $db)"

java -Xmx512m "$here/FlashPages.java" --base-url="http://127.0.0.1:$port" --admin-user=admin \
  --admin-password="$admin_pass" --secret="$secret" --metrics-url="http://127.0.0.1:$mport/actuator/prometheus" --keys="${KEYS:-1000}" --buyers="${BUYERS:-1500}" --c="${C:-16}" \
  --r="${R:-8}" --think-ms="${THINK_MS:-5}" --idle-s="${IDLE_S:-20}" --warm-s="${WARM_S:-20}"
rc=$?
grep -q "OutOfMemoryError" "$work/kamiflow.log" && { log "kamiflow logged an OutOfMemoryError"; rc=1; }
exit $rc
