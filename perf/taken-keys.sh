#!/usr/bin/env bash
# A checkout's stock count late in a big product's sale, by plan: the count from the product's lowest id (what every
# checkout ran before the scan floors, and what a node runs until it knows a product's floor) against the count from
# the floor (KeyClaimer.COUNT_FROM_FLOOR). The statistics are from before the sale (the 10 % of a big table that
# autoanalyze waits for are more keys than a sale sells), the taken keys' index entries are still there (no VACUUM).
# Two layouts of KEYS keys: 10 products imported in alternating batches of 5,000, and 5 products whose keys are spread
# at random; in each, SOLD keys of one product (its lowest) are made VOID, which leaves the indexes as a sale does.
# Each statement as a custom plan and as the generic plan a prepared statement may switch to, three runs each (the
# table: the last run's top plan node, shared buffers and ms; the first run's ms in brackets, a cold walk). The
# statements: "lowest" and "floor" as KeyClaimer runs them since they are ordered by (product_id, id); "lowest, unordered"
# and "floor, unordered" as it ran them up to 376c75e. A SOLD of at least KEYS / 5 sells the product out (BATCH-3 has
# KEYS / 10 keys, RANDOM-1 about KEYS / 5): the floor is then the product's highest key, as a node's is at the end.
#
#   perf/taken-keys.sh [KEYS] [SOLD]     (default 500000 40000; a scratch database of its own, dropped at the end)
# PROJECT_JAR=jar skips the build (the jar makes the schema). ~2 minutes.
set -euo pipefail
keys=${1:-500000}
sold=${2:-40000}
here=$(cd "$(dirname "$0")" && pwd)
log() { printf '[taken-keys] %s\n' "$*" >&2; }
. "$here/lib.sh"
db=kamiflow_taken_$(date +%s)
ensure_role kamibench
psql_su "create database $db owner kamibench"
trap 'psql_su "drop database if exists $db with (force)" >/dev/null 2>&1 || true' EXIT
jar=$(kamiflow_jar "$here/.." "$(mktemp)")
log "schema from $(basename "$jar")"
PGHOST=127.0.0.1 PGPORT=5432 PGUSER=kamibench PGPASSWORD=kamibench kamiflow_schema "$jar" "$db"
psql="psql -X -q -v ON_ERROR_STOP=1 -d $db -h 127.0.0.1 -p 5432 -U kamibench"

log "$keys keys in each layout, then $sold of one product's taken"
su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d $db" <<SQL
SET session_replication_role = replica; -- no foreign keys to check: keys without orders
INSERT INTO product (sku, name, price_minor, currency)
  SELECT 'BATCH-' || g, 'batches', 100, 'CNY' FROM generate_series(1, 10) g
  UNION ALL SELECT 'RANDOM-' || g, 'random', 100, 'CNY' FROM generate_series(1, 5) g;
INSERT INTO card_key (product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id)
  SELECT (SELECT id FROM product WHERE sku = 'BATCH-1') + (g / 5000) % 10, '\\x00', 'k1', md5(g::text) || md5(g || 'b'),
         'AVAILABLE', 'b' || g / 5000
  FROM generate_series(0, $keys - 1) g;
INSERT INTO card_key (product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id)
  SELECT p + floor(5 * random())::int, '\\x00', 'k1', md5(g::text) || md5(g || 'r'), 'AVAILABLE', 'r'
  FROM generate_series(0, $keys - 1) g, (SELECT id AS p FROM product WHERE sku = 'RANDOM-1') r;
ANALYZE card_key;
UPDATE card_key SET status = 'VOID' WHERE id IN (SELECT id FROM card_key WHERE product_id =
  (SELECT id FROM product WHERE sku = 'BATCH-3') ORDER BY id LIMIT $sold);
UPDATE card_key SET status = 'VOID' WHERE id IN (SELECT id FROM card_key WHERE product_id =
  (SELECT id FROM product WHERE sku = 'RANDOM-1') ORDER BY id LIMIT $sold);
SQL

# the statements as KeyClaimer runs them (\$1 product, \$2 limit, \$3 floor): COUNT_FROM_LOWEST, COUNT_FROM_FLOOR,
# and both as they were before they were ordered by (product_id, id)
on_sale="product_id BETWEEN \$1 AND \$1 AND status = 'AVAILABLE'"
lowest="SELECT count(*) AS available FROM (SELECT 1 FROM card_key WHERE $on_sale
    ORDER BY product_id, id LIMIT \$2) k"
floor="SELECT CASE WHEN above.n >= \$2 THEN above.n
    ELSE (SELECT count(*) FROM (SELECT 1 FROM card_key WHERE $on_sale ORDER BY product_id, id LIMIT \$2) k) END AS available
FROM (SELECT count(*) AS n FROM (SELECT 1 FROM card_key WHERE $on_sale AND id >= \$3
    ORDER BY product_id, id LIMIT \$2) k
) above"
lowest_unordered="SELECT count(*) AS available FROM (SELECT 1 FROM card_key
    WHERE product_id = \$1 AND status = 'AVAILABLE' LIMIT \$2) k"
floor_unordered="SELECT CASE WHEN above.n >= \$2 THEN above.n
    ELSE (SELECT count(*) FROM (SELECT 1 FROM card_key
        WHERE product_id = \$1 AND status = 'AVAILABLE' LIMIT \$2) k) END AS available
FROM (SELECT count(*) AS n FROM (SELECT 1 FROM card_key
    WHERE product_id = \$1 AND status = 'AVAILABLE' AND id >= \$3 ORDER BY id LIMIT \$2) k
) above"

# one statement, prepared, three runs: the table's row from the last run's plan (the first run's ms in brackets)
measure() { # label mode which types args statement
  local label=$1 mode=$2 which=$3 types=$4 args=$5 stmt=$6 out first last scan index buffers ms
  out=$($psql -At <<SQL
SET plan_cache_mode = $mode;
PREPARE c${types:+($types)} AS $stmt;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE c${args:+($args)};
EXPLAIN (ANALYZE, BUFFERS) EXECUTE c${args:+($args)};
EXPLAIN (ANALYZE, BUFFERS) EXECUTE c${args:+($args)};
SQL
)
  first=$(grep -m1 "Execution Time" <<<"$out" | grep -oE '[0-9.]+ ms' | cut -d' ' -f1)
  last=$(awk '/Execution Time/ {n++} n == 2 && !/Execution Time/ {print} ' <<<"$out")
  scan=$(grep -E "(Seq|Index|Index Only|Bitmap Heap) Scan" <<<"$last" | grep -v "never executed" | grep "card_key" | head -1 \
         | sed -E 's/.*-> *//; s/ +\(cost.*//; s/ on card_key.*//')
  index=$(grep -v "never executed" <<<"$last" | grep -oE "Bitmap Index Scan on [a-z_]+" | head -1 | awk '{print $5}' || true)
  buffers=$(grep -m1 -oE "Buffers: shared hit=[0-9]+( read=[0-9]+)?" <<<"$last" | grep -oE "[0-9]+" | awk '{s += $1} END {print s}')
  ms=$(grep "Execution Time" <<<"$out" | tail -1 | grep -oE '[0-9.]+ ms' | cut -d' ' -f1)
  echo "| $label | ${mode#force_} | $which | $scan${index:+ ($index)} | $buffers | $ms ($first) |"
}

echo "| layout | plan | count | top scan | shared buffers | ms (first run) |"
echo "|---|---|---|---|---|---|"
for layout in BATCH-3 RANDOM-1; do
  product=$($psql -Atc "SELECT id FROM product WHERE sku = '$layout'")
  # the floor a node has: the lowest key on sale after its first checkouts, the product's highest once it sold out
  fl=$($psql -Atc "SELECT coalesce(min(id) FILTER (WHERE status = 'AVAILABLE'), max(id)) FROM card_key WHERE product_id = $product")
  for mode in force_custom_plan force_generic_plan; do
    for which in lowest_unordered floor_unordered lowest floor; do
      if [[ $which = lowest* ]]; then args="$product, 11"; types="bigint, bigint"
      else args="$product, 11, $fl"; types="bigint, bigint, bigint"; fi
      measure "$layout" $mode "from ${which/_/, }" "$types" "$args" "${!which}"
    done
  done
done
# the stock gauges' refresh (ops/metrics/ShopGauges.STOCK_COUNTED, its card_key part): all 15 products, before and now
gauge_unordered="SELECT p.sku, (SELECT count(*) FROM (SELECT 1 FROM card_key k WHERE k.product_id = p.id
    AND k.status = 'AVAILABLE' LIMIT p.low_stock_threshold + 1000) c) FROM product p WHERE p.active"
gauge="SELECT p.sku, (SELECT count(*) FROM (SELECT 1 FROM card_key k WHERE k.product_id BETWEEN p.id AND p.id
    AND k.status = 'AVAILABLE' ORDER BY k.product_id, k.id LIMIT p.low_stock_threshold + 1000) c) FROM product p WHERE p.active"
for which in gauge_unordered gauge; do
  measure "all 15" force_custom_plan "stock ${which/_/, }" "" "" "${!which}"
done
