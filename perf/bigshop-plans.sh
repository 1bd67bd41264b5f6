#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of every periodic query, the Orders view's search and the buyer's order page on a big shop
# (perf/bigshop.sh), as Markdown: a summary table, then each plan. Each statement runs once to warm the cache, then
# three times measured; the table gives the slowest of the three, the plan is the last one's. Statements that lock or
# write run in a transaction that is rolled back.
#
#   perf/bigshop-plans.sh DATABASE [QUERIES]    # QUERIES: perf/bigshop-queries.sql (the statements as kamiflow runs them)
set -euo pipefail
db=${1:?usage: perf/bigshop-plans.sh DATABASE [QUERIES]}
here=$(cd "$(dirname "$0")" && pwd)
queries=${2:-$here/bigshop-queries.sql}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-kamiflow} PGPASSWORD=${PGPASSWORD:-kamiflow}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Values the statements take, as kamiflow would bind them now: ids of orders changed in the last hour (plus the open
# ones), a slice of 1,000 order ids mid-table, a buyer with orders, an order with keys and where it sits (a cursor).
psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" > "$work/vars.sql" <<'SQL'
SELECT '\set recent_ids ''' || coalesce(string_agg(id::text, ','), '0') || '''' FROM (
    SELECT id FROM customer_order WHERE updated_at >= now() - interval '1 hour' AND personal_data_erased_at IS NULL
    UNION SELECT o.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no WHERE p.received_at >= now() - interval '1 hour'
    UNION SELECT id FROM customer_order WHERE status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
    UNION SELECT o.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no
          WHERE p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
    UNION SELECT o.id FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
          JOIN customer_order o ON o.order_no = e.business_key_ WHERE t.task_def_key_ = 'ReturnMoneyByHand'
    LIMIT 1000) s;
SELECT '\set slice_after ' || (max(id) / 2) FROM customer_order;
SELECT '\set slice_last ' || (max(id) / 2 + 1000) FROM customer_order;
SELECT '\set email ''' || lower(buyer_email) || '''' FROM customer_order WHERE status = 'DELIVERED' ORDER BY id DESC LIMIT 1;
SELECT '\set order_no ''' || order_no || '''' FROM customer_order WHERE status = 'DELIVERED' AND quantity = 2 ORDER BY id DESC LIMIT 1;
SELECT '\set order_id ' || id FROM customer_order WHERE status = 'DELIVERED' AND quantity = 2 ORDER BY id DESC LIMIT 1;
SELECT '\set cursor_at ''' || created_at || '''' FROM customer_order WHERE status = 'DELIVERED' AND quantity = 2 ORDER BY id DESC LIMIT 1;
SELECT '\set cursor_id ' || id FROM customer_order WHERE status = 'DELIVERED' AND quantity = 2 ORDER BY id DESC LIMIT 1;
SELECT '\set order_prefix ''' || substr(order_no, 1, 8) || '''' FROM customer_order ORDER BY id DESC LIMIT 1 OFFSET 5000;
SELECT '\set unpaid_email ''' || lower(buyer_email) || '''' FROM customer_order WHERE status = 'PENDING_PAYMENT' ORDER BY id DESC LIMIT 1;
SELECT '\set unpaid_address ''' || client_address || '''' FROM customer_order WHERE status = 'PENDING_PAYMENT' AND client_address IS NOT NULL ORDER BY id DESC LIMIT 1;
SELECT '\set day_from ''' || (now() - interval '40 days')::date || '''';
SELECT '\set day_to ''' || (now() - interval '39 days')::date || '''';
SQL

# one file per statement: "-- query: name" starts one, "-- source:" says where kamiflow runs it, "-- writes" rolls back
awk -v dir="$work" '/^-- query: /{n++; f=sprintf("%s/q%03d.sql", dir, n)} n>0{print > f}' "$queries"

printf '| query | source | rows | slowest of 3 (ms) |\n|---|---|---|---|\n' > "$work/summary.md"
: > "$work/plans.md"
for f in "$work"/q*.sql; do
  name=$(sed -n 's/^-- query: //p' "$f"); source=$(sed -n 's/^-- source: //p' "$f")
  sql=$(grep -v '^--' "$f" | sed '/^\s*$/d')
  if grep -q '^-- writes' "$f"; then begin='BEGIN;'; end='ROLLBACK;'; else begin=''; end=''; fi
  run() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<SQL
\i $work/vars.sql
$begin
EXPLAIN (ANALYZE, BUFFERS) $sql;
$end
SQL
  }
  run > /dev/null
  worst=0
  for _ in 1 2 3; do
    run > "$work/plan.txt"
    ms=$(sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p' "$work/plan.txt")
    worst=$(awk -v a="$worst" -v b="$ms" 'BEGIN { print (b > a) ? b : a }')
  done
  rows=$(head -1 "$work/plan.txt" | sed -n 's/.*(actual time=[^ ]* rows=\([0-9]*\) .*/\1/p')
  printf '| %s | %s | %s | %s |\n' "$name" "$source" "$rows" "$worst" >> "$work/summary.md"
  { printf '\n### %s\n\n%s\n\n```sql\n%s\n```\n\n```\n' "$name" "$source" "$sql"; cat "$work/plan.txt"; printf '```\n'; } >> "$work/plans.md"
done
cat "$work/summary.md" "$work/plans.md"
