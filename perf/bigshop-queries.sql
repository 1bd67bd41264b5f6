-- The statements perf/bigshop-plans.sh explains: each as kamiflow runs it (the class and method that run it after
-- "source:"), with the values it would bind now (psql variables set by the script). "-- writes": run in a transaction
-- that is rolled back. Keep in step with the code when a query changes.

-- query: invariants, every 10 min: the orders to check
-- source: OrderInvariants.checkChangedSince (Reconcile orders)
SELECT id FROM customer_order WHERE updated_at >= now() - interval '1 hour' AND personal_data_erased_at IS NULL
AND client_address IS NOT NULL
UNION SELECT id FROM customer_order WHERE updated_at >= now() - interval '1 hour' AND personal_data_erased_at IS NULL
AND client_address IS NULL
UNION SELECT o.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no WHERE p.received_at >= now() - interval '1 hour'
UNION SELECT id FROM customer_order WHERE status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
UNION SELECT o.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no
WHERE p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
UNION SELECT o.id FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
JOIN customer_order o ON o.order_no = e.business_key_ WHERE t.task_def_key_ = 'ReturnMoneyByHand'

-- query: invariants, every 10 min: a key revealed to an order is back on sale or on another order
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, 'order ' || o.order_no || ' key ' || k.id FROM customer_order o
JOIN key_reveal r ON r.order_id = o.id JOIN card_key k ON k.id = r.key_id
WHERE o.id IN (:recent_ids) AND (k.order_id IS NULL OR k.order_id <> r.order_id OR k.status NOT IN ('SOLD', 'VOID'))

-- query: invariants, every 10 min: an order holds more keys than it bought
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM customer_order o JOIN card_key k ON k.order_id = o.id
WHERE o.id IN (:recent_ids) GROUP BY o.id, o.order_no, o.quantity HAVING count(*) > o.quantity

-- query: invariants, every 10 min: a refunded order still holds keys
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM customer_order o WHERE o.id IN (:recent_ids) AND o.status = 'REFUNDED'
AND EXISTS (SELECT 1 FROM card_key k WHERE k.order_id = o.id AND k.status IN ('SOLD', 'RESERVED'))

-- query: invariants, every 10 min: a sold key belongs to an order that is not paid
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM customer_order o
WHERE o.id IN (:recent_ids) AND o.status NOT IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED', 'REFUNDED')
AND EXISTS (SELECT 1 FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD')

-- query: invariants, every 10 min: a delivered order's keys were not all revealed
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM customer_order o WHERE o.id IN (:recent_ids) AND o.status = 'DELIVERED' AND o.quantity <> (
SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD' AND k.revealed_at IS NOT NULL)

-- query: invariants, every 10 min: a payment has no process instance
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id IN (:recent_ids) AND p.process_instance_id IS NULL

-- query: invariants, every 10 min: a payment neither paid its order nor was refunded, and no process works on it
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id IN (:recent_ids) AND (o.payment_id IS NULL OR o.payment_id <> p.id) AND p.refunded_at IS NULL
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = p.process_instance_id)

-- query: invariants, every 10 min: two payments share one process instance
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id IN (:recent_ids) AND p.process_instance_id IS NOT NULL
GROUP BY o.id, o.order_no, p.process_instance_id HAVING count(*) > 1

-- query: invariants, every 10 min: a paid order has no running order-fulfillment instance and no queued key mail
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM customer_order o WHERE o.id IN (:recent_ids) AND o.status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e JOIN act_re_procdef d ON d.id_ = e.proc_def_id_
WHERE e.id_ = e.proc_inst_id_ AND e.business_key_ = o.order_no
AND d.key_ = 'order-fulfillment')

-- query: invariants, every 10 min: a refund decided and not returned has no process carrying it
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id IN (:recent_ids) AND p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = e.proc_inst_id_
AND e.business_key_ = p.order_no)

-- query: invariants, every 10 min: more 'Return the money by hand' tasks are open than refunds wait for support
-- source: OrderInvariants.checkOrders, up to 1,000 ids a statement (Reconcile orders)
SELECT o.id, o.order_no FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
JOIN customer_order o ON o.order_no = e.business_key_
WHERE o.id IN (:recent_ids) AND t.task_def_key_ = 'ReturnMoneyByHand' GROUP BY o.id, o.order_no
HAVING count(*) > (SELECT count(*) FROM payment p
WHERE p.order_no = o.order_no AND p.refund_status = 'MANUAL_PENDING')

-- query: invariants, nightly: the next slice
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT max(id) FROM (SELECT id FROM customer_order WHERE id > :slice_after ORDER BY id LIMIT 1000) s

-- query: invariants, nightly slice of 1,000: a key revealed to an order is back on sale or on another order
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, 'order ' || o.order_no || ' key ' || k.id FROM customer_order o
JOIN key_reveal r ON r.order_id = o.id JOIN card_key k ON k.id = r.key_id
WHERE o.id > :slice_after AND o.id <= :slice_last AND (k.order_id IS NULL OR k.order_id <> r.order_id OR k.status NOT IN ('SOLD', 'VOID'))

-- query: invariants, nightly slice of 1,000: an order holds more keys than it bought
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM customer_order o JOIN card_key k ON k.order_id = o.id
WHERE o.id > :slice_after AND o.id <= :slice_last GROUP BY o.id, o.order_no, o.quantity HAVING count(*) > o.quantity

-- query: invariants, nightly slice of 1,000: a refunded order still holds keys
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM customer_order o WHERE o.id > :slice_after AND o.id <= :slice_last AND o.status = 'REFUNDED'
AND EXISTS (SELECT 1 FROM card_key k WHERE k.order_id = o.id AND k.status IN ('SOLD', 'RESERVED'))

-- query: invariants, nightly slice of 1,000: a sold key belongs to an order that is not paid
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM customer_order o
WHERE o.id > :slice_after AND o.id <= :slice_last AND o.status NOT IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED', 'REFUNDED')
AND EXISTS (SELECT 1 FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD')

-- query: invariants, nightly slice of 1,000: a delivered order's keys were not all revealed
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM customer_order o WHERE o.id > :slice_after AND o.id <= :slice_last AND o.status = 'DELIVERED' AND o.quantity <> (
SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD' AND k.revealed_at IS NOT NULL)

-- query: invariants, nightly slice of 1,000: a payment has no process instance
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id > :slice_after AND o.id <= :slice_last AND p.process_instance_id IS NULL

-- query: invariants, nightly slice of 1,000: a payment neither paid its order nor was refunded, and no process works on it
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id > :slice_after AND o.id <= :slice_last AND (o.payment_id IS NULL OR o.payment_id <> p.id) AND p.refunded_at IS NULL
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = p.process_instance_id)

-- query: invariants, nightly slice of 1,000: two payments share one process instance
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id > :slice_after AND o.id <= :slice_last AND p.process_instance_id IS NOT NULL
GROUP BY o.id, o.order_no, p.process_instance_id HAVING count(*) > 1

-- query: invariants, nightly slice of 1,000: a paid order has no running order-fulfillment instance and no queued key mail
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM customer_order o WHERE o.id > :slice_after AND o.id <= :slice_last AND o.status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e JOIN act_re_procdef d ON d.id_ = e.proc_def_id_
WHERE e.id_ = e.proc_inst_id_ AND e.business_key_ = o.order_no
AND d.key_ = 'order-fulfillment')

-- query: invariants, nightly slice of 1,000: a refund decided and not returned has no process carrying it
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
WHERE o.id > :slice_after AND o.id <= :slice_last AND p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = e.proc_inst_id_
AND e.business_key_ = p.order_no)

-- query: invariants, nightly slice of 1,000: more 'Return the money by hand' tasks are open than refunds wait for support
-- source: OrderInvariants.checkNext (Reconcile every order)
SELECT o.id, o.order_no FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
JOIN customer_order o ON o.order_no = e.business_key_
WHERE o.id > :slice_after AND o.id <= :slice_last AND t.task_def_key_ = 'ReturnMoneyByHand' GROUP BY o.id, o.order_no
HAVING count(*) > (SELECT count(*) FROM payment p
WHERE p.order_no = o.order_no AND p.refund_status = 'MANUAL_PENDING')

-- query: Forget personal data: unpaid orders past 7 days
-- source: PersonalDataRetention.eraseOrders (forget-personal-data, hourly)
-- writes
SELECT o.id FROM customer_order o
WHERE o.personal_data_erased_at IS NULL AND o.status IN ('EXPIRED', 'CANCELLED') AND o.updated_at < now() - interval '7 days'
AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.order_no = o.order_no) AND o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID'))
ORDER BY o.updated_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: ended orders past 90 days, client address gone
-- source: PersonalDataRetention.eraseOrders (forget-personal-data, hourly)
-- writes
SELECT o.id FROM customer_order o
WHERE o.personal_data_erased_at IS NULL AND o.updated_at < now() - interval '90 days' AND o.client_address IS NULL
AND o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID'))
ORDER BY o.updated_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: ended orders past 90 days, client address kept
-- source: PersonalDataRetention.eraseOrders (forget-personal-data, hourly)
-- writes
SELECT o.id FROM customer_order o
WHERE o.personal_data_erased_at IS NULL AND o.updated_at < now() - interval '90 days' AND o.client_address IS NOT NULL
AND o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID'))
ORDER BY o.updated_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: client addresses past 30 days
-- source: PersonalDataRetention.eraseClientAddresses (forget-personal-data, hourly)
-- writes
SELECT o.id FROM customer_order o WHERE o.client_address IS NOT NULL AND o.updated_at < now() - interval '30 days' AND o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID'))
ORDER BY o.updated_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: gateway notices past 30 days
-- source: PersonalDataRetention.eraseGatewayNotices (forget-personal-data, hourly)
-- writes
SELECT p.id FROM payment p WHERE p.raw_notice IS NOT NULL AND p.received_at < now() - interval '30 days'
AND EXISTS (SELECT 1 FROM customer_order o WHERE o.order_no = p.order_no AND o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID')))
ORDER BY p.received_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: delivery errors past 30 days
-- source: PersonalDataRetention.eraseDeliveryErrors (forget-personal-data, hourly)
-- writes
SELECT a.id FROM delivery_attempt a WHERE a.error IS NOT NULL AND a.attempted_at < now() - interval '30 days'
AND EXISTS (SELECT 1 FROM customer_order o WHERE o.id = a.order_id AND o.status IN ('DELIVERED', 'REFUNDED', 'EXPIRED', 'CANCELLED')
AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.business_key_ = o.order_no)
AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
AND NOT EXISTS (SELECT 1 FROM payment r WHERE r.order_no = o.order_no
AND r.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING'))
AND (o.trade_close IS NULL OR o.trade_close IN ('CLOSED', 'PAID')))
ORDER BY a.attempted_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: audit details past 365 days
-- source: PersonalDataRetention.eraseAuditDetails (forget-personal-data, hourly)
-- writes
SELECT id FROM audit_event WHERE detail IS NOT NULL AND occurred_at < now() - interval '365 days'
ORDER BY occurred_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: Forget personal data: idle buyer lock rows
-- source: PersonalDataRetention.deleteIdleLockRows (forget-personal-data, hourly)
-- writes
SELECT email FROM buyer_lock LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: expiry: unpaid orders past their time
-- source: OrderRepository.lockUnpaidBefore (order-expiry, every minute)
-- writes
SELECT * FROM customer_order WHERE status = 'PENDING_PAYMENT' AND created_at < now() - interval '15 minutes'
ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: expiry: trades to close
-- source: OrderRepository.takeTradesToClose (order-expiry, every minute)
-- writes
SELECT id FROM customer_order WHERE trade_close = 'PENDING' ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED

-- query: compensation: unpaid orders to ask about
-- source: OrderRepository.unpaidBetween (payment-compensation, every 5 minutes)
SELECT * FROM customer_order WHERE status = 'PENDING_PAYMENT' AND created_at >= now() - interval '17 minutes'
AND created_at < now() - interval '2 minutes' ORDER BY created_at LIMIT 200

-- query: compensation: orders expired unpaid lately
-- source: OrderRepository.expiredUnpaidBetween (payment-compensation, every 5 minutes)
SELECT * FROM customer_order o WHERE o.status = 'EXPIRED' AND o.created_at >= now() - interval '17 minutes' - interval '24 hours'
AND o.created_at < now() - interval '2 minutes'
AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.order_no = o.order_no)
ORDER BY o.created_at LIMIT 200

-- query: key mail queue sweep
-- source: KeyMailQueue.sweepBatch (every node, every 5 s)
-- writes
SELECT order_id FROM key_mail_queue WHERE lease_until < now() ORDER BY lease_until LIMIT 100 FOR UPDATE SKIP LOCKED

-- query: gauges: stock (counted up to 1,000 past the threshold) and parked orders per product
-- source: ShopGauges.refresh (every node, every 5 s)
SELECT p.sku, p.low_stock_threshold,
       (SELECT count(*) FROM (SELECT 1 FROM card_key k WHERE k.product_id = p.id AND k.status = 'AVAILABLE'
                              LIMIT p.low_stock_threshold + 1000) counted) AS available,
       coalesce(w.parked, 0) AS parked
FROM product p LEFT JOIN (SELECT product_id, count(*) AS parked FROM customer_order
                          WHERE status = 'AWAITING_STOCK' GROUP BY product_id) w ON w.product_id = p.id
WHERE p.active

-- query: gauges: open support tasks
-- source: ShopGauges.refresh (every node, every 5 s)
SELECT task_def_key_, count(*) AS open, min(create_time_) AS oldest FROM act_ru_task
WHERE task_def_key_ IS NOT NULL GROUP BY task_def_key_

-- query: gauges: queued key mails
-- source: ShopGauges.refresh (every node, every 5 s)
SELECT count(*), min(queued_at) FROM key_mail_queue

-- query: gauges: oldest due job
-- source: ShopGauges.refresh (every node, every 5 s)
SELECT min(coalesce(duedate_, create_time_)) FROM act_ru_job
WHERE retries_ > 0 AND suspension_state_ = 1 AND (duedate_ IS NULL OR duedate_ <= now())

-- query: gauges: oldest paid order without keys
-- source: ShopGauges.refresh (every node, every 5 s)
SELECT min(o.paid_at) FROM customer_order o WHERE o.status = 'PAID' AND o.quantity >
    (SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD')

-- query: order page: the order
-- source: OrderRepository.findByOrderNo (GET /api/orders/{orderNo})
SELECT * FROM customer_order WHERE order_no = :'order_no'

-- query: order page: lock its keys for the reveal
-- source: KeyReveals.reveal (GET /api/orders/{orderNo})
-- writes
SELECT id FROM card_key WHERE order_id = :order_id AND status = 'SOLD' ORDER BY id FOR UPDATE

-- query: order page: mark them revealed
-- source: KeyReveals.reveal (GET /api/orders/{orderNo})
-- writes
UPDATE card_key SET revealed_at = CURRENT_TIMESTAMP WHERE id IN (SELECT id FROM card_key WHERE order_id = :order_id) AND revealed_at IS NULL

-- query: order page: record the reveal
-- source: KeyReveals.reveal (GET /api/orders/{orderNo})
-- writes
INSERT INTO key_reveal (key_id, order_id, channel) SELECT id, order_id, 'PAGE' FROM card_key WHERE order_id = :order_id
ON CONFLICT (key_id, order_id, channel) DO NOTHING

-- query: order page: the keys
-- source: KeyVault.keysSoldTo (GET /api/orders/{orderNo})
SELECT product_id, secret_key_id, secret_ciphertext FROM card_key WHERE order_id = :order_id AND status = 'SOLD' ORDER BY id

-- query: Orders view: first page, no filter
-- source: OrderSearch.search (Cockpit Orders, first page)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: where the page before ended (after=<orderNo>)
-- source: OrderSearch.search (Cockpit Orders, next page)
SELECT created_at, id FROM customer_order WHERE order_no = :'order_no'

-- query: Orders view: next page, no filter
-- source: OrderSearch.search (Cockpit Orders, next page)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id
WHERE 1 = 1 AND (o.created_at, o.id) < (:'cursor_at'::timestamptz, :cursor_id)
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, status DELIVERED
-- source: OrderSearch.search (Cockpit Orders, status filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.status = 'DELIVERED'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, status REFUNDED
-- source: OrderSearch.search (Cockpit Orders, status filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.status = 'REFUNDED'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, status MANUAL
-- source: OrderSearch.search (Cockpit Orders, status filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.status = 'MANUAL'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, status CANCELLED (no such order)
-- source: OrderSearch.search (Cockpit Orders, status filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.status = 'CANCELLED'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, buyer email
-- source: OrderSearch.search (Cockpit Orders, email filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE lower(o.buyer_email) = :'email'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, order number prefix (8 characters)
-- source: OrderSearch.search (Cockpit Orders, orderNo filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.order_no LIKE :'order_prefix' || '%'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, order number prefix (a month: 4 characters)
-- source: OrderSearch.search (Cockpit Orders, orderNo filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.order_no LIKE substr(:'order_prefix', 1, 4) || '%'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, whole order number
-- source: OrderSearch.search (Cockpit Orders, orderNo filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.order_no LIKE :'order_no' || '%'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, channel stripe
-- source: OrderSearch.search (Cockpit Orders, channel filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.channel = 'stripe'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, a channel no order used
-- source: OrderSearch.search (Cockpit Orders, channel filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id WHERE o.channel = 'paypal'
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, one day
-- source: OrderSearch.search (Cockpit Orders, from/to filter)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id
WHERE o.created_at >= :'day_from'::timestamptz AND o.created_at < :'day_to'::timestamptz
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: Orders view: first page, one day, status REFUNDED, channel epay
-- source: OrderSearch.search (Cockpit Orders, filters combined)
SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id
WHERE o.status = 'REFUNDED' AND o.channel = 'epay' AND o.created_at >= :'day_from'::timestamptz AND o.created_at < :'day_to'::timestamptz
ORDER BY o.created_at DESC, o.id DESC LIMIT 21

-- query: admin API: orders of a status, newest first
-- source: OrderRepository.search (GET /api/admin/orders?status=EXPIRED)
SELECT * FROM customer_order WHERE 1 = 1 AND status = 'EXPIRED' ORDER BY created_at DESC, id DESC LIMIT 200

-- query: admin API: orders of a buyer
-- source: OrderRepository.search (GET /api/admin/orders?email=)
SELECT * FROM customer_order WHERE 1 = 1 AND lower(buyer_email) = lower(:'email') ORDER BY created_at DESC, id DESC LIMIT 200

-- query: checkout: the buyer's unpaid orders holding reserved keys (per-buyer cap)
-- source: OpenReservations.countOf via OrderPlacement (POST /api/orders); V37's ix_order_reserving_email
SELECT count(DISTINCT o.id) FILTER (WHERE k.status = 'RESERVED') AS orders,
       min(k.reserved_until) FILTER (WHERE k.status = 'RESERVED') AS first_expiry
FROM customer_order o JOIN card_key k ON k.order_id = o.id
WHERE lower(o.buyer_email) = :'unpaid_email' AND (o.status = 'PENDING_PAYMENT') IS TRUE

-- query: checkout: the address's unpaid orders holding reserved keys (per-address cap)
-- source: OpenReservations.countOf via holdAddressLock (POST /api/orders); V37's ix_order_reserving_address
SELECT count(DISTINCT o.id) FILTER (WHERE k.status = 'RESERVED') AS orders,
       min(k.reserved_until) FILTER (WHERE k.status = 'RESERVED') AS first_expiry
FROM customer_order o JOIN card_key k ON k.order_id = o.id
WHERE o.client_address = :'unpaid_address' AND (o.status = 'PENDING_PAYMENT') IS TRUE

-- query: dashboard: orders paid today
-- source: SalesFigures.figures (back office dashboard)
SELECT count(*) FROM customer_order WHERE paid_at >= now() - interval '1 day'

-- query: dashboard: revenue today
-- source: SalesFigures.figures (back office dashboard)
SELECT currency, sum(amount_minor) FROM payment WHERE received_at >= now() - interval '1 day' GROUP BY currency ORDER BY currency

-- query: dashboard: keys sold today
-- source: SalesFigures.figures (back office dashboard)
SELECT count(*) FROM card_key WHERE sold_at >= now() - interval '1 day' AND status = 'SOLD'
