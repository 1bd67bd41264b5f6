package drill;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drill f, a rolling upgrade: both nodes run jar N; orders are parked at the process's wait states (a delivery retry
 * timer, Review payment, Wait for stock, refunds in flight); then node A and node B are each stopped (SIGTERM) and
 * started on jar N+1 (drills/upgrade: an added step with a new bean on the happy path, the retry timer renamed, a
 * Flyway migration adding a column) while checkouts and callbacks go on. Afterwards the parked orders are resumed
 * (restock, refund) and everything must end once: delivered, parked or refunded; none lost, none twice, invariants
 * hold, and callbacks never fail for longer than one node's restart.
 */
final class RollingUpgrade {

    /** The retry timer's id in jar N; N+1 renames it (drills/upgrade/n-plus-1.patch). */
    private static final String RETRY_TIMER = "WaitBeforeRetry";
    /** First delivery retry well after the roll has begun, so version-N timers fire on a mixed or an N+1 cluster. */
    private static final Duration FIRST_RETRY = Duration.ofMinutes(6);
    private static final Map<String, String> ENV = Map.of("KAMIFLOW_FULFILLMENT_RETRYSCHEDULE", FIRST_RETRY + ",PT1M");

    private final Drills d;
    private final Path nextJar;
    private final List<String> notes = new ArrayList<>();
    /** Every callback attempt of the load: when, and whether it was answered success. */
    private final ConcurrentLinkedQueue<long[]> attempts = new ConcurrentLinkedQueue<>();

    RollingUpgrade(Drills drills) {
        this.d = drills;
        this.nextJar = Path.of(drills.required("next-jar"));
    }

    Drills.Row run() throws Exception {
        restartBoth();
        // --- parked on version N -----------------------------------------------------------------------------------
        String stockSku = "FW" + d.run;
        long stockProduct = d.seed(stockSku, 2);
        List<Drills.Placed> stockOrders = d.placeAll(stockSku, 7, new AtomicInteger());
        Drills.Callbacks stockPaid = payEach(stockOrders, false);
        awaitCount("orders parked for stock", 5, "SELECT count(*) FROM customer_order WHERE product_id = ? AND status = 'AWAITING_STOCK'", stockProduct);

        String reviewSku = "FR" + d.run;
        long reviewProduct = d.seed(reviewSku, 3);
        List<Drills.Placed> reviewOrders = d.placeAll(reviewSku, 3, new AtomicInteger());
        payEach(reviewOrders, true);
        awaitCount("Review payment tasks", reviewOrders.size(), """
                SELECT count(*) FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
                JOIN customer_order o ON o.order_no = e.business_key_ WHERE t.task_def_key_ = 'ReviewPayment' AND o.product_id = ?""",
                reviewProduct);

        String timerSku = "FT" + d.run;
        long timerProduct = d.seed(timerSku, 5);
        List<Drills.Placed> timerOrders = d.placeAll(timerSku, 5, new AtomicInteger());
        d.sink.stop();
        Drills.Callbacks timerPaid = payEach(timerOrders, false);
        awaitCount("orders at the retry timer", timerOrders.size(), """
                SELECT count(*) FROM act_ru_execution e JOIN act_ru_execution pi ON pi.id_ = e.proc_inst_id_
                JOIN customer_order o ON o.order_no = pi.business_key_
                WHERE e.act_id_ = '""" + RETRY_TIMER + "' AND o.product_id = ?", timerProduct);
        long timersDue = System.nanoTime() + FIRST_RETRY.toNanos(); // at the latest: they were parked just now
        d.sink.start();

        // the two delivered stock orders are refunded just before the roll: their refunds run across it
        List<String> refundedEarly = new ArrayList<>();
        try (Connection db = d.db()) {
            refundedEarly.addAll(Drills.strings(db, "SELECT order_no FROM customer_order WHERE product_id = ? AND status = 'DELIVERED'",
                    stockProduct));
        }
        for (String orderNo : refundedEarly) {
            refund(orderNo);
        }
        notes.add(String.format(Locale.ROOT, "parked on N: 5 for stock (+2 delivered, refunded as the roll began), %d at Review"
                + " payment (paid 0.01 short), %d at the retry timer (mailed while SMTP was down, first retry PT6M)",
                reviewOrders.size(), timerOrders.size()));

        // --- the roll under load --------------------------------------------------------------------------------------
        String loadSku = "FL" + d.run;
        long loadProduct = d.seed(loadSku, 2000);
        Load load = new Load(loadSku);
        load.start();
        Thread.sleep(10_000);
        long longestRestartMs = 0;
        for (int i = 0; i < 2; i++) {
            longestRestartMs = Math.max(longestRestartMs, roll(i));
            // after node A: 30 s of a mixed cluster (A on N+1, B on N) under load before B goes
            Thread.sleep(i == 0 ? 30_000 : 10_000);
        }
        load.stop();
        d.log("load stopped: %d orders placed, %s", load.placed.size(), load.callbacks.describe());

        // --- move the instances left on N's version to N+1's (the retry timer mapped to its new id) ----------------
        migrate(reviewOrders.get(0).orderNo());

        // --- resume what was parked, on N+1 ---------------------------------------------------------------------------
        d.send(d.nodes[0].baseUrl() + "/api/admin/products/" + stockSku + "/keys/generate", "application/json",
                "{\"count\":5,\"prefix\":\"" + stockSku + "R\"}", true, 60);
        for (Drills.Placed order : reviewOrders) {
            refund(order.orderNo());
        }

        // --- checks ---------------------------------------------------------------------------------------------------
        Drills.Row loadRow = d.measure("load", loadProduct, load.placed(), load.callbacks, true, new ArrayList<>());
        // the two refunded ones are checked with the refunds below
        List<Drills.Placed> parkedForStock = stockOrders.stream().filter(o -> !refundedEarly.contains(o.orderNo())).toList();
        Drills.Row stockRow = d.measure("stock", stockProduct, parkedForStock, stockPaid, true, new ArrayList<>());
        // on a quiet machine the roll is over long before the first retry: measuring starts once the timers are due
        long untilDue = timersDue - System.nanoTime();
        if (untilDue > 0) {
            d.log("waiting %d s for the retry timers' due time", TimeUnit.NANOSECONDS.toSeconds(untilDue));
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(untilDue));
        }
        Drills.Row timerRow = d.measure("timer", timerProduct, timerOrders, timerPaid, true, new ArrayList<>());
        Map<String, String> expected = new LinkedHashMap<>();
        refundedEarly.forEach(o -> expected.put(o, "REFUNDED"));
        reviewOrders.forEach(o -> expected.put(o.orderNo(), "REFUNDED"));
        long refundsWrong = awaitStatuses(expected, d.settle);

        long orders = loadRow.orders() + stockRow.orders() + refundedEarly.size() + timerRow.orders() + reviewOrders.size();
        long delivered = loadRow.delivered() + stockRow.delivered() + timerRow.delivered();
        long parked = loadRow.parked() + stockRow.parked() + timerRow.parked();
        long duplicates = loadRow.duplicates() + stockRow.duplicates() + timerRow.duplicates();
        long lost = loadRow.lost() + stockRow.lost() + timerRow.lost() + refundsWrong;
        long window = longestFailureWindowMs();
        List<String> invariants = d.invariants();
        try (Connection db = d.db()) {
            long marked = Drills.queryLong(db, "SELECT count(*) FROM customer_order WHERE product_id = ? AND drill_upgraded_at IS NOT NULL",
                    loadProduct);
            long incidents = Drills.queryLong(db, "SELECT count(*) FROM act_ru_incident");
            long oldInstances = Drills.queryLong(db, """
                    SELECT count(*) FROM act_ru_execution e JOIN act_re_procdef p ON p.id_ = e.proc_def_id_
                    WHERE e.id_ = e.proc_inst_id_ AND p.key_ = 'order-fulfillment'
                    AND p.version_ < (SELECT max(version_) FROM act_re_procdef WHERE key_ = 'order-fulfillment')""");
            notes.add(String.format(Locale.ROOT, "load: %d orders, %d of them through N+1's added step; %d incidents;"
                    + " %d order-fulfillment instances still on an older version", loadRow.orders(), marked, incidents, oldInstances));
            if (incidents > 0) {
                notes.add("incidents: " + Drills.strings(db, "SELECT activity_id_ || ': ' || left(incident_msg_, 160) FROM act_ru_incident LIMIT 3"));
            }
        }
        notes.add(String.format(Locale.ROOT, "longest time every callback attempt failed: %.1f s (longest node restart %.1f s); %s",
                window / 1000.0, longestRestartMs / 1000.0, load.callbacks.describe()));
        notes.add(String.format(Locale.ROOT, "nodes' logs on jar N: %d lines naming N+1's bean ${drillUpgradeMarkDelegate}, %d"
                + " callbacks whose claim failed and went to a job", inLogs(d.nodes, "drillUpgradeMarkDelegate"),
                inLogs(d.nodes, "recording the payment with the claim failed")));
        for (Drills.Row row : List.of(loadRow, stockRow, timerRow)) {
            row.notes().stream().filter(n -> n.startsWith("lost") || n.startsWith("duplicates") || n.startsWith("FAILED"))
                    .forEach(n -> notes.add(row.drill() + " " + n));
        }
        if (refundsWrong > 0) {
            notes.add("lost: " + refundsWrong + " refunds not REFUNDED");
        }
        if (!invariants.isEmpty()) {
            notes.add("INVARIANTS VIOLATED: " + invariants);
        }
        boolean ok = duplicates == 0 && lost == 0 && invariants.isEmpty() && loadRow.ok() && stockRow.ok() && timerRow.ok()
                && window <= longestRestartMs;
        String maxWait = List.of(loadRow.maxWait(), stockRow.maxWait(), timerRow.maxWait()).stream()
                .filter(w -> !"-".equals(w)).max(Comparator.comparingDouble(w -> Double.parseDouble(w.replace(" s", ""))))
                .orElse("-");
        notes.add(0, String.format(Locale.ROOT, "longest callback failure window %.1f s", window / 1000.0));
        return new Drills.Row("f rolling upgrade N -> N+1 (" + orders + " orders)", orders, delivered, parked, duplicates, lost,
                maxWait, invariants.isEmpty() ? "hold" : invariants.size() + " violated", notes, ok);
    }

    /**
     * The back office's migration command (docs/upgrades.md rule 5): a dry run from the version the parked orders run
     * on to the newest, then, when it finds no problem, the real run; waits for its batch to move every instance.
     */
    private void migrate(String parkedOrderNo) throws Exception {
        int from;
        int to;
        try (Connection db = d.db()) {
            from = (int) Drills.queryLong(db, """
                    SELECT p.version_ FROM act_ru_execution e JOIN act_re_procdef p ON p.id_ = e.proc_def_id_
                    WHERE e.business_key_ = ? AND e.id_ = e.proc_inst_id_""", parkedOrderNo);
            to = (int) Drills.queryLong(db, "SELECT max(version_) FROM act_re_procdef WHERE key_ = 'order-fulfillment'");
        }
        String plan = "{\"processKey\":\"order-fulfillment\",\"fromVersion\":" + from + ",\"toVersion\":" + to
                + ",\"activityMappings\":[{\"from\":\"" + RETRY_TIMER + "\",\"to\":\"WaitBeforeRetryingDelivery\"}],\"dryRun\":";
        String url = d.nodes[0].baseUrl() + "/api/admin/process-migrations";
        Drills.HttpResp dry = d.send(url, "application/json", plan + "true}", true, 180);
        d.log("migration dry run v%d -> v%d: %s", from, to, dry);
        boolean clean = dry.status() == 200 && dry.body().replaceAll("\\s", "").contains("\"problems\":[]");
        notes.add("migration dry run v" + from + " -> v" + to + ": " + dry.status() + " " + summary(dry.body()));
        if (!clean) {
            notes.add("instances left on v" + from + " (no clean dry run): they finish there");
            return;
        }
        Drills.HttpResp run = d.send(url, "application/json", plan + "false}", true, 180);
        d.log("migration v%d -> v%d: %s", from, to, run);
        long left = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection db = d.db()) {
                left = Drills.queryLong(db, """
                        SELECT count(*) FROM act_ru_execution e JOIN act_re_procdef p ON p.id_ = e.proc_def_id_
                        WHERE e.id_ = e.proc_inst_id_ AND p.key_ = 'order-fulfillment' AND p.version_ = ?""", from);
            }
            if (left == 0) {
                break;
            }
            Thread.sleep(1000);
        }
        notes.add("migration run: " + run.status() + ", " + left + " instances left on v" + from + " after its batch");
    }

    private static String summary(String body) {
        String flat = body.replaceAll("\\s+", " ");
        return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
    }

    /** Both nodes (re)started on jar N with the drill's settings. */
    private void restartBoth() throws Exception {
        for (int i = 0; i < 2; i++) {
            if (d.nodes[i].alive()) {
                d.nodes[i].terminate(Duration.ofSeconds(90));
            }
            d.modes[i] = Drills.PAYMENT;
            d.mailsSilenced[i] = false;
            d.nodes[i].start(Drills.PAYMENT, ENV);
        }
        for (Node node : d.nodes) {
            node.awaitReady(Duration.ofSeconds(900));
            d.log("%s ready on jar N, lock owner %s", node.name, node.lockOwner());
        }
    }

    /** SIGTERM node i, start it on jar N+1; @return ms from the stop to ready */
    private long roll(int i) throws Exception {
        Node node = d.nodes[i];
        long held = d.heldBy(node.lockOwner());
        long t0 = System.nanoTime();
        Duration stop = node.terminate(Duration.ofSeconds(90));
        node.useJar(nextJar);
        node.start(Drills.PAYMENT, ENV);
        node.awaitReady(Duration.ofSeconds(900));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        d.log("%s rolled to N+1: stopped in %s holding %d jobs or queued key mails, ready %.1f s after the SIGTERM", node.name,
                stop == null ? "> 90 s" : stop.toMillis() + " ms", held, ms / 1000.0);
        notes.add(String.format(Locale.ROOT, "%s: SIGTERM holding %d jobs or queued key mails, stopped in %s, ready on N+1 %.1f s"
                + " after", node.name, held, stop == null ? "> 90 s" : String.format(Locale.ROOT, "%.1f s", stop.toMillis() / 1000.0),
                ms / 1000.0));
        return ms;
    }

    /** One callback each (repeated after 5xx or timeout); {@code short} pays 0.01 less than the order's amount. */
    private Drills.Callbacks payEach(List<Drills.Placed> orders, boolean underpaid) throws Exception {
        Drills.Callbacks callbacks = new Drills.Callbacks();
        for (Drills.Placed order : orders) {
            Drills.Placed paid = underpaid ? new Drills.Placed(order.orderNo(),
                    new java.math.BigDecimal(order.amount()).subtract(new java.math.BigDecimal("0.01")).toPlainString(),
                    order.currency(), order.token()) : order;
            callback(paid, callbacks, 0);
        }
        return callbacks;
    }

    /** A signed callback, repeated to the other node after a 5xx, a timeout or a refused connection, up to 240 s. */
    private boolean callback(Drills.Placed order, Drills.Callbacks callbacks, int first) throws Exception {
        String notice = d.signedNotice(order);
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            Node node = d.nodes[(first + attempt) % 2];
            if (attempt > 0) {
                callbacks.repeats.incrementAndGet();
                Thread.sleep(Math.min(2000, 250L * attempt));
            }
            boolean ok = false;
            try {
                Drills.HttpResp resp = d.send(node.baseUrl() + "/api/payments/sandbox/notify", "application/x-www-form-urlencoded",
                        notice, false, 10);
                if (resp.status() == 200 && resp.body().trim().equals("success")) {
                    ok = true;
                    callbacks.succeeded.add(order.orderNo());
                    callbacks.succeededAtMs.put(order.orderNo(), System.currentTimeMillis());
                } else if (resp.status() < 500) {
                    callbacks.failed.add(order.orderNo() + ": " + resp);
                    return false;
                } else {
                    callbacks.serverErrors.incrementAndGet();
                }
            } catch (HttpTimeoutException e) {
                callbacks.timeouts.incrementAndGet();
            } catch (IOException e) {
                callbacks.refused.incrementAndGet();
            }
            attempts.add(new long[] {System.currentTimeMillis(), ok ? 1 : 0});
            if (ok) {
                return true;
            }
        }
        callbacks.failed.add(order.orderNo() + ": no success within 240 s");
        return false;
    }

    /** The longest stretch of time in which every callback attempt (to either node) failed. */
    private long longestFailureWindowMs() {
        List<long[]> sorted = new ArrayList<>(attempts);
        sorted.sort(Comparator.comparingLong(a -> a[0]));
        long longest = 0;
        long failingSince = -1;
        for (long[] a : sorted) {
            if (a[1] == 0) {
                failingSince = failingSince < 0 ? a[0] : failingSince;
            } else if (failingSince >= 0) {
                longest = Math.max(longest, a[0] - failingSince);
                failingSince = -1;
            }
        }
        return longest;
    }

    private void refund(String orderNo) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            Drills.HttpResp resp = d.send(d.nodes[attempt % 2].baseUrl() + "/api/admin/orders/" + orderNo + "/refund",
                    "application/json", "{\"reason\":\"drill f\"}", true, 30);
            if (resp.status() == 202) {
                return;
            }
            d.log("refund of %s: %s", orderNo, resp);
            Thread.sleep(2000);
        }
        notes.add("refund of " + orderNo + " not accepted");
    }

    private void awaitCount(String what, long expected, String sql, Object... params) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long count = -1;
        while (System.nanoTime() < deadline) {
            try (Connection db = d.db()) {
                count = Drills.queryLong(db, sql, params);
            }
            if (count >= expected) {
                d.log("%d %s", count, what);
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("expected " + expected + " " + what + ", found " + count);
    }

    /** Waits until every order has its expected status; @return how many do not */
    private long awaitStatuses(Map<String, String> expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> actual = new HashMap<>();
        while (true) {
            try (Connection db = d.db()) {
                for (String orderNo : expected.keySet()) {
                    actual.put(orderNo, Drills.strings(db, "SELECT status FROM customer_order WHERE order_no = ?", orderNo).get(0));
                }
            }
            long wrong = expected.entrySet().stream().filter(e -> !e.getValue().equals(actual.get(e.getKey()))).count();
            if (wrong == 0 || System.nanoTime() > deadline) {
                if (wrong > 0) {
                    notes.add("statuses: expected " + expected + ", found " + actual);
                }
                return wrong;
            }
            Thread.sleep(1000);
        }
    }

    private static long inLogs(Node[] nodes, String text) throws IOException {
        long count = 0;
        List<Path> logs = new ArrayList<>();
        for (Node node : nodes) {
            logs.addAll(node.previousLogs());
        }
        for (Path log : logs) {
            try (var lines = Files.lines(log)) {
                count += lines.filter(l -> l.contains(text)).count();
            }
        }
        return count;
    }

    /** Checkouts and their callbacks, round-robin over both nodes, by four threads, until stopped. */
    private final class Load {
        final String sku;
        final Drills.Callbacks callbacks = new Drills.Callbacks();
        final ConcurrentLinkedQueue<Drills.Placed> placed = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicInteger next = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<String> checkoutErrors = new ConcurrentLinkedQueue<>();

        Load(String sku) {
            this.sku = sku;
        }

        void start() {
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(this::loop, "load-" + t);
                thread.start();
                threads.add(thread);
            }
        }

        private void loop() {
            while (!stopping.get()) {
                int i = next.getAndIncrement();
                try {
                    Drills.Placed order = checkout(i);
                    if (order != null) {
                        placed.add(order);
                        callback(order, callbacks, i);
                    }
                    Thread.sleep(400);
                } catch (Exception e) {
                    checkoutErrors.add(e.toString());
                }
            }
        }

        /** A checkout, tried on the other node when one is down or answers 5xx. */
        private Drills.Placed checkout(int i) throws Exception {
            String email = ("drill-" + sku + "-" + i + "@drill.test").toLowerCase(Locale.ROOT);
            for (int attempt = 0; attempt < 20; attempt++) {
                try {
                    Drills.HttpResp resp = d.send(d.nodes[(i + attempt) % 2].baseUrl() + "/api/orders", "application/json",
                            "{\"sku\":\"" + sku + "\",\"quantity\":1,\"email\":\"" + email + "\",\"channel\":\"sandbox\"}", false, 30);
                    if (resp.status() == 201) {
                        return new Drills.Placed(Drills.json(resp.body(), "orderNo"), Drills.json(resp.body(), "amount"),
                                Drills.json(resp.body(), "currency"), Drills.json(resp.body(), "accessToken"));
                    }
                    if (resp.status() < 500) {
                        checkoutErrors.add(resp.toString());
                        return null;
                    }
                } catch (IOException e) {
                    // that node is restarting: the other one
                }
                Thread.sleep(500);
            }
            checkoutErrors.add("checkout " + i + " failed 20 times");
            return null;
        }

        void stop() throws InterruptedException {
            stopping.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            if (!checkoutErrors.isEmpty()) {
                notes.add(checkoutErrors.size() + " checkouts failed, e.g. " + checkoutErrors.peek());
            }
        }

        List<Drills.Placed> placed() {
            return List.copyOf(placed);
        }
    }
}
