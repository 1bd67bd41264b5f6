#!/usr/bin/env bash
# The reservation of a flash sale's one product, alone in PostgreSQL: how much CPU one reservation costs as more of
# them are in flight, with the stock as one queue (kamiflow's KeyClaimer.lockAvailable: the lowest AVAILABLE id,
# FOR UPDATE SKIP LOCKED) or split into stripes (a random stripe first). pgbench, a throwaway database, no kamiflow.
#
#   perf/hot-stock.sh [SECONDS] [CLIENTS...]     # default 15 s each at 4 16 64 clients, both layouts
# env: KEYS (200000), STRIPES (16), HOLD_MS (2: how long the checkout's transaction keeps its lock after the
#      reservation: the order insert and the round trips, without CPU), LAYOUTS ("one striped": the model's select +
#      update on a stripe column; "kf-old kf-striped": kamiflow's own KeyClaimer.reserve statements, the one-statement
#      CTE before V35 (lowest ids of the product) and since V35 (lowest ids of stripe id % 16, V35's index; a random
#      stripe per reservation stands for KeyClaimer.stripeOf(order id); the stock is never short here, so the
#      fallback to the whole product, a second statement, never runs))
# Prints, per layout and clients: transactions/s, latency, PostgreSQL CPU ms per reservation (its backends' /proc).
set -u
secs=${1:-15}
shift || true
clients=${*:-4 16 64}
KEYS=${KEYS:-200000}
STRIPES=${STRIPES:-16}
HOLD_MS=${HOLD_MS:-2}
db=kamibench_hot_$(date +%s)_$$
work=$(mktemp -d -t kamiflow-hot.XXXXXX)
chmod 755 "$work"
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)
[ -x "$pgbench" ] || { echo "no pgbench" >&2; exit 2; }
trap 'su postgres -c "dropdb --if-exists --force $db" >/dev/null 2>&1; rm -rf "$work"' EXIT
sql() { su postgres -c "psql -qAtX -d $db -c \"$1\""; }

su postgres -c "createdb $db" || exit 2
# card_key as V1/V2 shape it (the columns a reservation reads and writes, a ciphertext-sized payload)
sql "CREATE TABLE card_key (id bigserial PRIMARY KEY, product_id bigint NOT NULL, stripe int NOT NULL,
     status varchar(16) NOT NULL, order_id bigint, reserved_until timestamptz, ciphertext bytea NOT NULL)"
sql "INSERT INTO card_key (product_id, stripe, status, ciphertext)
     SELECT 1, g % $STRIPES, 'AVAILABLE', decode(md5(g::text) || md5(g::text) || md5(g::text), 'hex') FROM generate_series(1, $KEYS) g"
sql "CREATE INDEX ix_one ON card_key (product_id, id) WHERE status = 'AVAILABLE'"
sql "CREATE INDEX ix_striped ON card_key (product_id, stripe, id) WHERE status = 'AVAILABLE'"
# V35's index for kamiflow's statements (kf-*): ix_one above is V2's ix_card_key_available
sql "CREATE INDEX ix_card_key_available_striped ON card_key (product_id, (id % 16), id) WHERE status = 'AVAILABLE'"
sql "VACUUM ANALYZE card_key"

cat >"$work/one.sql" <<EOF
BEGIN;
SELECT id FROM card_key WHERE product_id = 1 AND status = 'AVAILABLE' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE card_key SET status = 'RESERVED', order_id = :client_id, reserved_until = now() + interval '15 minutes' WHERE id = :id;
SELECT pg_sleep($HOLD_MS / 1000.0);
COMMIT;
EOF
cat >"$work/striped.sql" <<EOF
\set s random(0, $((STRIPES - 1)))
BEGIN;
SELECT id FROM card_key WHERE product_id = 1 AND stripe = :s AND status = 'AVAILABLE' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE card_key SET status = 'RESERVED', order_id = :client_id, reserved_until = now() + interval '15 minutes' WHERE id = :id;
SELECT pg_sleep($HOLD_MS / 1000.0);
COMMIT;
EOF

# KeyClaimer.reserve's statements as kamiflow sends them (quantity 1, the order id a number of its own per reservation)
cat >"$work/kf-old.sql" <<EOF
\set order random(1, 1000000000)
BEGIN;
WITH picked AS (SELECT id FROM card_key WHERE product_id = 1 AND status = 'AVAILABLE'
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
UPDATE card_key k SET status = 'RESERVED', order_id = :order, reserved_until = now() + interval '15 minutes' FROM picked
WHERE k.id = picked.id AND (SELECT count(*) FROM picked) = 1;
SELECT pg_sleep($HOLD_MS / 1000.0);
COMMIT;
EOF
cat >"$work/kf-striped.sql" <<EOF
\set order random(1, 1000000000)
\set s random(0, 15)
BEGIN;
WITH picked AS (SELECT id FROM card_key WHERE product_id = 1 AND status = 'AVAILABLE' AND id % 16 = :s
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
UPDATE card_key k SET status = 'RESERVED', order_id = :order, reserved_until = now() + interval '15 minutes' FROM picked
WHERE k.id = picked.id AND (SELECT count(*) FROM picked) = 1;
SELECT pg_sleep($HOLD_MS / 1000.0);
COMMIT;
EOF

ticks() { # "pid utime+stime" of each of the database's backends
  local pid s
  for pid in $(sql "select pid from pg_stat_activity where datname = '$db' and pid <> pg_backend_pid()"); do
    read -r s 2>/dev/null <"/proc/$pid/stat" || continue
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    echo "$pid $(( ${12} + ${13} ))"
  done
}
# CPU ticks spent between two ticks() samples by the backends in both (an autovacuum worker that started before the
# first and ended before the second would otherwise count negative)
spent() { awk 'NR == FNR { t0[$1] = $2; next } ($1 in t0) { d += $2 - t0[$1] } END { print d + 0 }' "$1" "$2"; }

echo "| layout | clients | reservations/s | latency avg ms | PostgreSQL CPU ms per reservation |"
echo "|---|---|---|---|---|"
for layout in ${LAYOUTS:-one striped}; do
  for c in $clients; do
    sql "UPDATE card_key SET status = 'AVAILABLE', order_id = NULL, reserved_until = NULL WHERE status <> 'AVAILABLE'" >/dev/null
    sql "VACUUM card_key" >/dev/null
    mode=simple; [ "${layout#kf-}" != "$layout" ] && mode=prepared # kamiflow's driver prepares its statements
    start=$EPOCHREALTIME
    su postgres -c "$pgbench -n -M $mode -f $work/$layout.sql -c $c -j 2 -T $secs $db" >"$work/out" 2>&1 &
    bench=$!
    sleep 2
    ticks >"$work/t0"; s0=$(sql "select count(*) from card_key where status = 'RESERVED'"); a=$EPOCHREALTIME
    # the second sample 3 s before the bench's end, counted from its start: on a busy machine each su + psql above
    # takes a second or more, and a sample after pgbench ended reads no backends
    sleep "$(awk -v s="$start" -v now="$EPOCHREALTIME" -v d=$((secs - 3)) 'BEGIN { r = s + d - now; print (r > 0 ? r : 0) }')"
    ticks >"$work/t1"; s1=$(sql "select count(*) from card_key where status = 'RESERVED'"); b=$EPOCHREALTIME
    wait $bench
    tps=$(awk -v n=$((s1 - s0)) -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", n / (b - a) }')
    lat=$(grep -o 'latency average = [0-9.]*' "$work/out" | awk '{print $4}')
    cpu=$(awk -v t="$(spent "$work/t0" "$work/t1")" -v n=$((s1 - s0)) 'BEGIN { printf "%.3f", n ? t * 10 / n : 0 }')
    echo "| $layout | $c | $tps | $lat | $cpu |"
  done
done
