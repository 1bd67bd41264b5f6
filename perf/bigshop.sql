-- A big shop for measuring kamiflow's queries: run by perf/bigshop.sh (which makes the schema first), never by hand on
-- a database that matters. psql variables: orders, keys. Deterministic (setseed): the same numbers every run.
--
-- A year of a busy shop, about 2,700 orders a day (one every ~32 s), ids in creation order like the identity column:
--   orders      80 % DELIVERED, 2 % REFUNDED (after delivery), ~18 % EXPIRED unpaid; the last 15 minutes partly
--               PENDING_PAYMENT (keys reserved) and PAID (key mail queued); ~300 AWAITING_STOCK (on the one product out
--               of stock) and ~100 MANUAL (a support task each), spread over the year like stuck orders are
--   quantity    85 % one key, 10 % two, 5 % three to five; 50 products, the first ones selling most
--   payments    one per paid order; 0.3 % second payments refunded after review, 0.2 % late payments of expired
--               orders refunded after review
--   keys        every sold key SOLD and revealed (mail, 40 % also on the page), refunded orders' keys VOID, the rest
--               of :keys AVAILABLE on products 1-49 (product 50 is sold out: its parked orders wait for it)
--   mail        one SENT delivery attempt per delivered order (3 % after a failed one), MANUAL orders 5 failed
--   audit       one row per expiry and refund
--   retention   as "Forget personal data" leaves a shop on its defaults: unpaid orders erased 7 days after they
--               expired, ended paid ones 90 days after they ended (email '(erased)', no client address), client
--               addresses gone after 30 days, gateway notices and delivery errors after 30 days, lock rows of the last
--               hour only
--   Camunda     a running order-fulfillment instance per open order (and a Manual delivery task per MANUAL order);
--               no history: nothing measured here reads it
\set ON_ERROR_STOP on
\timing on
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM customer_order) THEN
        RAISE EXCEPTION 'customer_order is not empty: bigshop fills a scratch database of its own';
    END IF;
END $$;
SELECT now() AS t0 \gset
SELECT setseed(0.19);

-- ------------------------------------------------------------------------------------------------- products
INSERT INTO product (id, sku, name, price_minor, currency, low_stock_threshold, created_at)
SELECT p, 'SKU-' || lpad(p::text, 3, '0'), 'Product ' || p, 500 + p * 100, 'CNY', 20, timestamptz :'t0' - interval '400 days'
FROM generate_series(1, 50) p;

-- ------------------------------------------------------------------------------------------------- orders
CREATE TEMP TABLE gen AS
SELECT i,
       timestamptz :'t0' - interval '365 days' + (i - 1) * (interval '365 days' / :orders) AS created_at,
       random() AS r_status, random() AS r_product, random() AS r_qty, random() AS r_channel, random() AS r_buyer,
       random() AS r_page, random() AS r_mail, random() AS r_refund, random() AS r_extra
FROM generate_series(1, :orders) i;

CREATE TEMP TABLE gen_order AS
SELECT g.*,
       CASE WHEN g.created_at > timestamptz :'t0' - interval '15 minutes' AND (g.r_status < 0.25 OR g.r_status >= 0.82)
                 THEN 'PENDING_PAYMENT' -- not expired yet: still paying, or never will
            WHEN g.created_at > timestamptz :'t0' - interval '15 minutes' AND g.r_status < 0.30 THEN 'PAID'
            WHEN g.r_status >= 0.9990 AND g.r_status < 0.9993 THEN 'AWAITING_STOCK'
            WHEN g.r_status >= 0.9993 AND g.r_status < 0.9994 THEN 'MANUAL'
            WHEN g.r_status < 0.80 THEN 'DELIVERED'
            WHEN g.r_status < 0.82 THEN 'REFUNDED'
            ELSE 'EXPIRED' END AS status,
       CASE WHEN g.r_qty < 0.85 THEN 1 WHEN g.r_qty < 0.95 THEN 2 ELSE 3 + (g.r_qty * 1000)::int % 3 END AS quantity,
       CASE WHEN g.r_channel < 0.40 THEN 'alipay' WHEN g.r_channel < 0.75 THEN 'wechat' WHEN g.r_channel < 0.85 THEN 'stripe'
            WHEN g.r_channel < 0.95 THEN 'epay' ELSE 'sandbox' END AS channel
FROM gen g;
ALTER TABLE gen_order ADD COLUMN product_id bigint, ADD COLUMN paid boolean, ADD COLUMN paid_at timestamptz,
    ADD COLUMN delivered_at timestamptz, ADD COLUMN updated_at timestamptz, ADD COLUMN late_payment boolean,
    ADD COLUMN erased_at timestamptz;
UPDATE gen_order SET
    product_id = CASE WHEN status = 'AWAITING_STOCK' THEN 50 ELSE 1 + floor(49 * r_product * r_product)::int END,
    paid = status IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED', 'REFUNDED'),
    paid_at = CASE WHEN status IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED', 'REFUNDED')
                   THEN created_at + interval '20 seconds' + r_mail * interval '4 minutes' END;
UPDATE gen_order SET
    delivered_at = CASE WHEN status IN ('DELIVERED', 'REFUNDED') THEN paid_at + interval '2 seconds' END,
    updated_at = CASE status
        WHEN 'DELIVERED' THEN paid_at + interval '2 seconds'
        WHEN 'REFUNDED' THEN least(paid_at + r_refund * interval '10 days', timestamptz :'t0')
        WHEN 'EXPIRED' THEN created_at + interval '15 minutes'
        WHEN 'PENDING_PAYMENT' THEN created_at
        ELSE paid_at END,
    late_payment = status = 'EXPIRED' AND r_extra < 0.011;
-- "Forget personal data" (defaults): unpaid orders 7 days after they expired, other ended orders 90 days after they ended
UPDATE gen_order SET erased_at = CASE
    WHEN status = 'EXPIRED' AND NOT late_payment AND updated_at < timestamptz :'t0' - interval '7 days' THEN updated_at + interval '7 days'
    WHEN status IN ('DELIVERED', 'REFUNDED', 'EXPIRED') AND updated_at < timestamptz :'t0' - interval '90 days' THEN updated_at + interval '90 days'
    END;
CREATE INDEX ON gen_order (i);
ANALYZE gen_order;

INSERT INTO customer_order (id, order_no, product_id, quantity, amount_minor, currency, buyer_email, access_token_hash,
                            channel, status, payment_id, created_at, paid_at, delivered_at, updated_at, client_address,
                            gateway_reference, trade_close, personal_data_erased_at)
SELECT o.i,
       to_char(o.created_at AT TIME ZONE 'UTC', 'YYMMDDHH24MISS') || upper(substr(md5(o.i::text), 1, 10)),
       o.product_id, o.quantity, (500 + o.product_id * 100) * o.quantity, 'CNY',
       CASE WHEN o.erased_at IS NOT NULL THEN '(erased)'
            ELSE CASE WHEN o.r_buyer < 0.05 THEN 'Buyer' ELSE 'buyer' END || floor(o.r_buyer * 300000)::int || '@example.com' END,
       md5(o.i::text || 'token') || md5(o.i::text || 'hash'),
       o.channel, o.status, CASE WHEN o.paid THEN o.i END, o.created_at, o.paid_at, o.delivered_at, o.updated_at,
       CASE WHEN o.erased_at IS NULL AND (o.status NOT IN ('DELIVERED', 'REFUNDED', 'EXPIRED')
                                          OR o.updated_at >= timestamptz :'t0' - interval '30 days')
            THEN '10.' || (o.i % 250) || '.' || ((o.i / 250) % 250) || '.' || floor(o.r_buyer * 250)::int END,
       CASE WHEN o.channel = 'stripe' THEN 'cs_live_' || md5(o.i::text) END,
       CASE WHEN o.status = 'EXPIRED' AND o.channel <> 'epay' THEN 'CLOSED' END, o.erased_at
FROM gen_order o ORDER BY o.i;

-- ------------------------------------------------------------------------------------------------- Camunda runtime
-- The instance of every open order, and its payment's instance id (running or long ended: a made-up id).
CREATE TEMP TABLE gen_instance AS
SELECT o.i, md5(o.i::text || 'instance')::uuid::text AS instance_id,
       (o.status IN ('AWAITING_STOCK', 'MANUAL')) AS running, o.status
FROM gen_order o WHERE o.paid;
CREATE INDEX ON gen_instance (i);

INSERT INTO act_ru_execution (id_, rev_, root_proc_inst_id_, proc_inst_id_, business_key_, proc_def_id_, act_id_,
                              is_active_, is_concurrent_, is_scope_, is_event_scope_, suspension_state_,
                              cached_ent_state_, sequence_counter_, proc_def_key_)
SELECT gi.instance_id, 1, gi.instance_id, gi.instance_id, c.order_no,
       (SELECT id_ FROM act_re_procdef WHERE key_ = 'order-fulfillment' ORDER BY version_ DESC LIMIT 1),
       CASE gi.status WHEN 'MANUAL' THEN 'ManualDelivery' ELSE 'WaitForStock' END,
       true, false, true, false, 1, 0, 1, 'order-fulfillment'
FROM gen_instance gi JOIN customer_order c ON c.id = gi.i WHERE gi.running;

INSERT INTO act_ru_task (id_, rev_, execution_id_, proc_inst_id_, proc_def_id_, name_, task_def_key_, priority_,
                         create_time_, last_updated_, suspension_state_)
SELECT md5(gi.instance_id || 'task')::uuid::text, 1, gi.instance_id, gi.instance_id,
       (SELECT id_ FROM act_re_procdef WHERE key_ = 'order-fulfillment' ORDER BY version_ DESC LIMIT 1),
       'Manual delivery for order ' || c.order_no, 'ManualDelivery', 50, c.paid_at, c.paid_at, 1
FROM gen_instance gi JOIN customer_order c ON c.id = gi.i WHERE gi.status = 'MANUAL';

-- ------------------------------------------------------------------------------------------------- payments
INSERT INTO payment (id, channel, trade_no, order_no, amount_minor, currency, raw_status, raw_notice, received_at,
                     event_id, process_instance_id, refunded_at, refund_reference, refund_status, refund_request_id,
                     refund_requested_at, refund_instance_id)
SELECT c.id, c.channel, upper(c.channel) || '-' || md5(c.id::text || 'trade'), c.order_no, c.amount_minor, c.currency,
       'TRADE_SUCCESS',
       CASE WHEN c.status NOT IN ('DELIVERED', 'REFUNDED') OR c.paid_at >= timestamptz :'t0' - interval '30 days' THEN
       'gmt_create=' || c.created_at || '&out_trade_no=' || c.order_no || '&total_amount=' || c.amount_minor
           || '&buyer_id=' || md5(c.id::text || 'buyer') || '&notify_id=' || md5(c.id::text || 'notify')
           || '&sign_type=RSA2&sign=' || repeat(md5(c.id::text), 8) END,
       c.paid_at, 'evt_' || md5(c.id::text || 'event'), gi.instance_id,
       CASE WHEN c.status = 'REFUNDED' THEN c.updated_at END,
       CASE WHEN c.status = 'REFUNDED' THEN 'RF-' || md5(c.id::text || 'refund') END,
       CASE WHEN c.status = 'REFUNDED' THEN 'SUCCEEDED' END,
       CASE WHEN c.status = 'REFUNDED' THEN 'KF-REFUND-' || c.id END,
       CASE WHEN c.status = 'REFUNDED' THEN c.updated_at END,
       CASE WHEN c.status = 'REFUNDED' THEN md5(c.id::text || 'refund-instance')::uuid::text END
FROM customer_order c JOIN gen_instance gi ON gi.i = c.id ORDER BY c.id;

-- Reviewed payments, refunded: second payments of delivered orders, late payments of expired ones
INSERT INTO payment (id, channel, trade_no, order_no, amount_minor, currency, raw_status, raw_notice, received_at,
                     event_id, process_instance_id, refunded_at, refund_reference, refund_status, refund_request_id,
                     refund_requested_at, refund_instance_id)
SELECT :orders + row_number() OVER (ORDER BY c.id), c.channel, upper(c.channel) || '-' || md5(c.id::text || 'again'),
       c.order_no, c.amount_minor, c.currency, 'TRADE_SUCCESS',
       CASE WHEN c.created_at >= timestamptz :'t0' - interval '30 days' THEN 'second notice of ' || c.order_no END,
       c.created_at + interval '1 hour', 'evt_' || md5(c.id::text || 'again'), md5(c.id::text || 'review')::uuid::text,
       c.created_at + interval '1 day', 'RF-' || md5(c.id::text || 'review'), 'SUCCEEDED',
       'KF-REFUND-' || (:orders + row_number() OVER (ORDER BY c.id)), c.created_at + interval '1 day',
       md5(c.id::text || 'review')::uuid::text
FROM customer_order c JOIN gen_order o ON o.i = c.id
WHERE (c.status = 'DELIVERED' AND o.r_extra < 0.003) OR o.late_payment
ORDER BY c.id;

-- ------------------------------------------------------------------------------------------------- keys
-- Fingerprints are HMACs in real life (random); here they start with the key id so the unique index is loaded in
-- order (minutes faster). Nothing measured searches by fingerprint.
INSERT INTO card_key (id, product_id, secret_ciphertext, secret_key_id, fingerprint, status, order_id, reserved_until,
                      sold_at, batch_id, created_at, revealed_at)
SELECT row_number() OVER (ORDER BY c.id, n), c.product_id,
       decode(md5(c.id::text || n) || md5(n || c.order_no) || substr(md5(c.order_no), 1, 24), 'hex'), 'k1',
       lpad(to_hex(c.id * 8 + n), 16, '0') || md5(c.id::text || '-' || n) || substr(md5(c.order_no || n), 1, 16),
       CASE c.status WHEN 'REFUNDED' THEN 'VOID' WHEN 'PENDING_PAYMENT' THEN 'RESERVED' ELSE 'SOLD' END,
       c.id,
       CASE WHEN c.status = 'PENDING_PAYMENT' THEN c.created_at + interval '15 minutes' END,
       c.paid_at, md5('batch' || c.product_id)::uuid::text, c.created_at - interval '30 days',
       CASE WHEN c.status IN ('DELIVERED', 'REFUNDED', 'MANUAL') THEN coalesce(c.delivered_at, c.paid_at) END
FROM customer_order c CROSS JOIN LATERAL generate_series(1, c.quantity) n
WHERE c.status IN ('DELIVERED', 'REFUNDED', 'MANUAL', 'PAID', 'PENDING_PAYMENT');

SELECT max(id) AS held_keys FROM card_key \gset
INSERT INTO card_key (id, product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id, created_at)
SELECT k, 1 + floor(49 * r * r)::int,
       decode(md5(k::text) || md5(k::text || 's') || substr(md5(k::text || 't'), 1, 24), 'hex'), 'k1',
       lpad(to_hex(k * 8), 16, '0') || md5(k::text || 'fp') || substr(md5(k::text || 'fq'), 1, 16),
       'AVAILABLE', md5('batch' || (k / 10000))::uuid::text, timestamptz :'t0' - interval '30 days'
FROM (SELECT k, random() AS r FROM generate_series(:held_keys + 1, :keys) k) s;

-- ------------------------------------------------------------------------------------------------- reveals, mail
INSERT INTO key_reveal (key_id, order_id, channel, revealed_at)
SELECT k.id, k.order_id, 'MAIL', k.revealed_at FROM card_key k WHERE k.revealed_at IS NOT NULL ORDER BY k.id;
INSERT INTO key_reveal (key_id, order_id, channel, revealed_at)
SELECT k.id, k.order_id, 'PAGE', k.revealed_at + interval '1 minute'
FROM card_key k JOIN gen_order o ON o.i = k.order_id
WHERE k.revealed_at IS NOT NULL AND o.r_page < 0.40 ORDER BY k.id;

INSERT INTO delivery_attempt (order_id, channel, attempt_no, recipient, outcome, error, message_id, attempted_at)
SELECT c.id, 'email', 1, c.buyer_email, 'FAILED_TRANSIENT',
       CASE WHEN c.paid_at >= timestamptz :'t0' - interval '30 days' THEN '421 4.7.0 Try again later' END, NULL,
       c.paid_at + interval '1 second'
FROM customer_order c JOIN gen_order o ON o.i = c.id
WHERE c.status IN ('DELIVERED', 'REFUNDED') AND o.r_mail < 0.03
UNION ALL
SELECT c.id, 'email', CASE WHEN o.r_mail < 0.03 THEN 2 ELSE 1 END, c.buyer_email, 'SENT', NULL,
       '<' || c.order_no || '.1@kamiflow>', c.delivered_at
FROM customer_order c JOIN gen_order o ON o.i = c.id WHERE c.status IN ('DELIVERED', 'REFUNDED')
UNION ALL
SELECT c.id, 'email', n, c.buyer_email, CASE WHEN n = 5 THEN 'FAILED_PERMANENT' ELSE 'FAILED_TRANSIENT' END,
       '550 5.1.1 mailbox unavailable', NULL, c.paid_at + n * interval '10 minutes'
FROM customer_order c CROSS JOIN generate_series(1, 5) n WHERE c.status = 'MANUAL'
ORDER BY 1, 3;

INSERT INTO key_mail_queue (order_id, owner, lease_until, queued_at)
SELECT id, 'node-a', paid_at + interval '60 seconds', paid_at FROM customer_order WHERE status = 'PAID';

-- ------------------------------------------------------------------------------------------------- the rest
INSERT INTO audit_event (actor, action, subject, detail, occurred_at)
SELECT 'system', 'order.expire', order_no, 'unpaid since ' || created_at, updated_at FROM customer_order WHERE status = 'EXPIRED'
UNION ALL
SELECT 'admin', 'order.refund', order_no, 'buyer changed their mind', updated_at FROM customer_order WHERE status = 'REFUNDED'
ORDER BY 5;

-- lock rows outlive their checkout only until the next "Forget personal data" run (hourly)
INSERT INTO buyer_lock (email)
SELECT DISTINCT lower(buyer_email) FROM customer_order WHERE created_at >= timestamptz :'t0' - interval '1 hour';
INSERT INTO address_lock (address)
SELECT DISTINCT client_address FROM customer_order WHERE created_at >= timestamptz :'t0' - interval '1 hour';
INSERT INTO sandbox_trade (trade_no, order_no, amount_minor, currency, status, refund_id, paid_at)
SELECT p.trade_no, p.order_no, p.amount_minor, p.currency, CASE WHEN p.refunded_at IS NULL THEN 'PAID' ELSE 'REFUNDED' END,
       p.refund_reference, p.received_at
FROM payment p WHERE p.channel = 'sandbox';
INSERT INTO sandbox_closed_order (order_no, closed_at)
SELECT order_no, updated_at FROM customer_order WHERE channel = 'sandbox' AND trade_close = 'CLOSED';

-- identity columns go on after the explicit ids
SELECT setval(pg_get_serial_sequence('product', 'id'), 50),
       setval(pg_get_serial_sequence('customer_order', 'id'), (SELECT max(id) FROM customer_order)),
       setval(pg_get_serial_sequence('payment', 'id'), (SELECT max(id) FROM payment)),
       setval(pg_get_serial_sequence('card_key', 'id'), (SELECT max(id) FROM card_key));

DROP TABLE gen, gen_order, gen_instance;
VACUUM (ANALYZE) product, customer_order, payment, card_key, key_reveal, delivery_attempt, key_mail_queue, audit_event,
       buyer_lock, address_lock, sandbox_trade, sandbox_closed_order, act_ru_execution, act_ru_task;

SELECT status, count(*) AS orders FROM customer_order GROUP BY status ORDER BY 2 DESC;
SELECT status, count(*) AS keys FROM card_key GROUP BY status ORDER BY 2 DESC;
SELECT (SELECT count(*) FROM payment) AS payments, (SELECT count(*) FROM key_reveal) AS reveals,
       (SELECT count(*) FROM delivery_attempt) AS delivery_attempts, (SELECT count(*) FROM audit_event) AS audit_rows,
       (SELECT count(*) FROM act_ru_execution) AS running_instances,
       (SELECT count(*) FROM customer_order WHERE personal_data_erased_at IS NOT NULL) AS erased_orders,
       pg_size_pretty(pg_database_size(current_database())) AS size;
