package drill;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Drill g, backup and restore. The driver is the sandbox gateway: it keeps the ledger of what it was paid (outside
 * kamiflow's database, as a real gateway does) and answers kamiflow's trade queries (kamiflow.payment.sandbox.query-url)
 * signed. Orders A are placed and paid under load; halfway a {@code pg_dump} is taken; orders B are placed and paid
 * after it; every order is delivered and mailed. Then the database is lost (both nodes kill -9, the database dropped)
 * and the runbook is followed: restore the dump into a fresh database, void the keys the lost window may have revealed,
 * run compensation at once, start both nodes. It passes when compensation delivers every order the gateway knows
 * and the dump lacks (placed before the dump, paid after it) once, orders sold after the restore get keys no other
 * buyer got (the sink's mails are the outside truth), and the invariants hold. Orders placed after the dump have no
 * row in the restored database: kamiflow cannot ask about them; the runbook's next step, the owner's command
 * {@code POST /api/admin/gateway-trades/unknown}, reads the gateway's bill (this driver's {@code <query-url>/trades})
 * and records each of them in {@code unknown_trade} with an alert: the drill checks it finds exactly those.
 */
final class BackupRestore {

    private static final String PATH = "/sandbox/query";
    /** The runbook's step (docs/operations.md): per product and stripe (id % 16, V35), the first ? available keys become VOID. */
    static final String VOID_FIRST_AVAILABLE = """
            UPDATE card_key SET status = 'VOID' WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER
            (PARTITION BY product_id, id % 16 ORDER BY id) AS n FROM card_key WHERE status = 'AVAILABLE') first WHERE n <= ?)""";

    private final Drills d;
    private final Map<String, Trade> ledger = new ConcurrentHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** The runbook's unknown-trade command: its answers (first and repeated run) and what unknown_trade holds after. */
    private String unknownCommand = "not called";
    private List<String> unknownRecorded = List.of();

    record Trade(String tradeNo, String amount, String currency, long paidAtMs) {
    }

    BackupRestore(Drills drills) {
        this.d = drills;
    }

    Drills.Row run() throws Exception {
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext(PATH, this::query);
        gateway.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        gateway.start();
        try {
            return run(gateway.getAddress().getPort());
        } finally {
            gateway.stop(0);
        }
    }

    private Drills.Row run(int gatewayPort) throws Exception {
        // the nodes ask the driver's ledger; compensation every 20 s for orders older than 10 s (the shop: 5 min, 2 min)
        Map<String, String> env = Map.of("KAMIFLOW_SANDBOX_QUERYURL", "http://127.0.0.1:" + gatewayPort + PATH,
                "KAMIFLOW_FULFILLMENT_COMPENSATIONCYCLE", "R/PT20S", "KAMIFLOW_FULFILLMENT_COMPENSATIONMINAGE", "PT10S");
        startNodes(env, true); // restarted with the ledger's URL (drill g runs last: the other drills' modes no longer matter)
        String sku = "G" + d.run;
        int before = d.drillOrders * 2 / 3;
        int after = d.drillOrders - before;
        int afterRestore = d.drillOrders / 3;
        // keys for every order, and for the ones voided after the restore: up to 16 per trade paid since the dump (one
        // per stripe, V35), and every stripe must still hold its share of the orders sold after the restore
        long productId = d.seed(sku, 18 * d.drillOrders + afterRestore);
        List<Drills.Placed> placedBefore = d.placeAll(sku, before, new AtomicInteger());

        Path dump = Path.of(d.required("work"), "kamiflow-g.dump");
        AtomicLong dumpStartMs = new AtomicLong();
        AtomicLong dumpTookMs = new AtomicLong();
        Drills.Callbacks paidA = callbacks();
        d.pay(placedBefore, d.load, paidA, () -> {
            dumpStartMs.set(System.currentTimeMillis());
            pg("pg_dump", "-Fc", "-f", dump.toString(), "-d", dbName());
            dumpTookMs.set(System.currentTimeMillis() - dumpStartMs.get());
            d.log("pg_dump taken mid-load in %d ms (%d kB)", dumpTookMs.get(), java.nio.file.Files.size(dump) / 1024);
        });
        List<Drills.Placed> placedAfter = d.placeAll(sku, after, new AtomicInteger());
        Drills.Callbacks paidB = callbacks();
        d.pay(placedAfter, Duration.ofSeconds(Math.max(5, d.load.toSeconds() / 2)), paidB, null);
        List<Drills.Placed> all = new ArrayList<>(placedBefore);
        all.addAll(placedAfter);
        awaitDelivered(all, Set.of(), Map.of(), Duration.ofSeconds(240));
        Map<String, Set<String>> keysBeforeLoss = mailedKeys(sku);

        // ------------------------------------------------------------------ the loss, and the runbook
        long lossMs = System.currentTimeMillis();
        for (Node node : d.nodes) {
            if (node.alive()) {
                node.kill();
            }
        }
        Map<String, Integer> mailsAtLoss = mailCounts();
        d.log("database lost %d ms after the dump started: node killed, restoring", lossMs - dumpStartMs.get());
        long t0 = System.nanoTime();
        pg("psql", "-q", "-U", "postgres", "-d", "postgres", "-c", "DROP DATABASE " + dbName() + " WITH (FORCE)",
                "-c", "CREATE DATABASE " + dbName() + " OWNER kamiflow");
        pg("pg_restore", "--exit-on-error", "--no-owner", "-j", "2", "-d", dbName(), dump.toString());
        long restoredNs = System.nanoTime() - t0;
        // what the gateway's bill says was paid since the dump started: an upper bound of the keys revealed since
        long paidSince = ledger.values().stream().filter(t -> t.paidAtMs() >= dumpStartMs.get()).count();
        int voided;
        Set<String> restoredOrders;
        Set<String> restoredPaid;
        try (Connection db = d.db()) {
            restoredOrders = Set.copyOf(Drills.strings(db, "SELECT order_no FROM customer_order WHERE product_id = ?", productId));
            restoredPaid = Set.copyOf(Drills.strings(db, "SELECT order_no FROM payment"));
            // keys are claimed lowest id first within their stripe: those sold after the dump are among the first
            // available ones of each stripe of each product
            try (var ps = db.prepareStatement(VOID_FIRST_AVAILABLE)) {
                // DRILL_G_VOID=0 skips the step: the control run, where keys should reach two buyers
                ps.setLong(1, "0".equals(System.getenv("DRILL_G_VOID")) ? 0 : paidSince);
                voided = ps.executeUpdate();
            }
            // compensation at once rather than at the restored timer's next due time
            db.createStatement().executeUpdate("""
                    UPDATE act_ru_job SET duedate_ = now() - interval '1 second' WHERE handler_type_ = 'timer-start-event'
                    AND process_def_key_ = 'payment-compensation'""");
        }
        long t1 = System.nanoTime();
        startNodes(env, false);
        long readyNs = System.nanoTime() - t1;
        findUnknownTrades(Instant.ofEpochMilli(dumpStartMs.get()).minusSeconds(60));

        // placed before the dump, paid after it: unpaid in the restored database, paid at the gateway
        Set<String> toRecover = placedBefore.stream().map(Drills.Placed::orderNo)
                .filter(o -> ledger.containsKey(o) && restoredOrders.contains(o) && !restoredPaid.contains(o))
                .collect(Collectors.toSet());
        // placed after the dump: no row at all; only the gateway knows them
        List<String> unknown = all.stream().map(Drills.Placed::orderNo)
                .filter(o -> ledger.containsKey(o) && !restoredOrders.contains(o)).sorted().toList();
        awaitDelivered(all.stream().filter(o -> restoredOrders.contains(o.orderNo())).toList(), toRecover, mailsAtLoss,
                Duration.ofSeconds(300));
        long rtoNs = System.nanoTime() - t0;
        d.log("restore %.1f s, nodes ready %.1f s, reconciled: RTO %.1f s", restoredNs / 1e9, readyNs / 1e9, rtoNs / 1e9);

        // selling goes on after the restore: no key may reach a second buyer
        List<Drills.Placed> placedRestored = d.placeAll(sku, afterRestore, new AtomicInteger());
        Drills.Callbacks paidC = callbacks();
        d.pay(placedRestored, Duration.ofSeconds(Math.max(5, d.load.toSeconds() / 2)), paidC, null);
        List<Drills.Placed> restored = new ArrayList<>(all.stream().filter(o -> restoredOrders.contains(o.orderNo())).toList());
        restored.addAll(placedRestored);
        awaitDelivered(restored, Set.of(), Map.of(), Duration.ofSeconds(240));

        return measure(productId, sku, all, placedRestored, restoredOrders, toRecover, unknown, keysBeforeLoss, voided,
                paidSince, dumpStartMs.get(), dumpTookMs.get(), lossMs, restoredNs, readyNs, rtoNs,
                List.of(paidA, paidB, paidC));
    }

    private Drills.Row measure(long productId, String sku, List<Drills.Placed> all, List<Drills.Placed> placedRestored,
                               Set<String> restoredOrders, Set<String> toRecover, List<String> unknown,
                               Map<String, Set<String>> keysBeforeLoss, int voided, long paidSince, long dumpStartMs,
                               long dumpTookMs, long lossMs, long restoredNs, long readyNs, long rtoNs,
                               List<Drills.Callbacks> paid) throws Exception {
        Map<String, Set<String>> keys = mailedKeys(sku);
        // outside truth: a key value in the mails of two orders reached two buyers
        Map<String, Set<String>> buyersOfKey = new HashMap<>();
        keys.forEach((order, values) -> values.forEach(k -> buyersOfKey.computeIfAbsent(k, x -> new HashSet<>()).add(order)));
        long keysToTwoBuyers = buyersOfKey.values().stream().filter(b -> b.size() > 1).count();
        long secondKey = keys.entrySet().stream().filter(e -> e.getValue().size() > 1).count();
        long secondKeyRecovered = keys.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .filter(e -> toRecover.contains(e.getKey())).count();
        Set<String> restoredSide = new HashSet<>(restoredOrders);
        placedRestored.forEach(o -> restoredSide.add(o.orderNo()));
        try (Connection db = d.db()) {
            Map<String, String> status = Drills.statuses(db, productId);
            long delivered = status.values().stream().filter("DELIVERED"::equals).count();
            long recovered = toRecover.stream().filter(o -> "DELIVERED".equals(status.get(o))).count();
            long secondPayments = Drills.queryLong(db, """
                    SELECT count(*) - count(DISTINCT p.order_no) FROM payment p JOIN customer_order o ON o.order_no = p.order_no
                    WHERE o.product_id = ?""", productId);
            long tradeMismatch = Drills.queryLong(db, """
                    SELECT count(*) FROM payment p JOIN customer_order o ON o.order_no = p.order_no
                    WHERE o.product_id = ? AND p.trade_no <> 'T' || p.order_no""", productId);
            long paidKnown = restoredSide.stream().filter(o -> ledger.containsKey(o)).count();
            long notDelivered = restoredSide.stream().filter(ledger::containsKey).filter(o -> !"DELIVERED".equals(status.get(o))).count();
            long unmailed = restoredSide.stream().filter(o -> "DELIVERED".equals(status.get(o)) && keys.getOrDefault(o, Set.of()).isEmpty()).count();
            long neverSucceeded = paid.stream().mapToLong(c -> c.failed.size()).sum();
            List<String> invariants = d.invariants();
            long duplicates = keysToTwoBuyers + secondPayments + tradeMismatch;
            long lost = notDelivered + unmailed + neverSucceeded;
            double rpo = (lossMs - dumpStartMs) / 1000.0;
            notes.add(String.format(Locale.ROOT, "pg_dump -Fc mid-load in %.1f s; loss %.1f s after the dump started (RPO of a"
                    + " dump: everything since it), %d payments at the gateway since the dump", dumpTookMs / 1000.0, rpo, paidSince));
            notes.add(String.format(Locale.ROOT, "RTO %.1f s = restore (drop, create, pg_restore -j 2) %.1f s + void %d keys + the"
                    + " node ready %.1f s + compensation until the last recovered order was delivered and mailed %.1f s",
                    rtoNs / 1e9, restoredNs / 1e9, voided, readyNs / 1e9, (rtoNs - restoredNs - readyNs) / 1e9));
            notes.add(String.format(Locale.ROOT, "placed before the dump, paid after it: %d, recovered by compensation and delivered"
                    + " %d (%d of them had been mailed a key before the loss and got a second one: the restored shop cannot"
                    + " know which; the first is voided)", toRecover.size(), recovered, secondKeyRecovered));
            notes.add(String.format(Locale.ROOT, "placed and paid after the dump: %d, unknown to the restored database (the"
                    + " gateway's bill lists them for refunds: %s)", unknown.size(),
                    unknown.size() > 4 ? String.join(", ", unknown.subList(0, 4)) + ", ..." : String.join(", ", unknown)));
            notes.add(String.format(Locale.ROOT, "%d orders sold after the restore; keys in the sink's mails: %d reached two buyers,"
                    + " %d orders got two keys", placedRestored.size(), keysToTwoBuyers, secondKey));
            notes.add(String.format(Locale.ROOT, "trade queries answered by the driver's ledger: %d", queries.get()));
            notes.add(String.format(Locale.ROOT, "unknown-trade command (since a minute before the dump): %s; unknown_trade"
                    + " holds %d, the same order numbers as the bill's unknown ones: %s", unknownCommand,
                    unknownRecorded.size(), unknownRecorded.equals(unknown)));
            if (!invariants.isEmpty()) {
                notes.add("INVARIANTS VIOLATED: " + invariants);
            }
            if (duplicates + lost > 0) {
                notes.add(String.format(Locale.ROOT, "duplicates: %d keys to two buyers, %d second payments, %d foreign trade"
                        + " numbers; lost: %d paid not delivered, %d delivered not mailed, %d callbacks never answered",
                        keysToTwoBuyers, secondPayments, tradeMismatch, notDelivered, unmailed, neverSucceeded));
            }
            Drills.Row row = new Drills.Row(String.format(Locale.ROOT, "g backup and restore (%d orders, RTO %.0f s)",
                    all.size() + placedRestored.size(), rtoNs / 1e9), all.size() + placedRestored.size(), delivered, 0,
                    duplicates, lost, "-", invariants.isEmpty() ? "hold" : invariants.size() + " violated", notes,
                    duplicates == 0 && lost == 0 && invariants.isEmpty() && paidKnown == restoredSide.size());
            row = Drills.expect(row, recovered == toRecover.size() && !toRecover.isEmpty(),
                    "no order was placed before the dump and paid after it, or not all were recovered");
            row = Drills.expect(row, !unknown.isEmpty(), "no order was placed after the dump: the drill did not test it");
            row = Drills.expect(row, unknownRecorded.equals(unknown),
                    "unknown_trade does not hold exactly the trades placed and paid after the dump");
            return Drills.expect(row, keysBeforeLoss.size() == all.size(), "not every order was mailed before the loss");
        }
    }

    // ------------------------------------------------------------------------------------------------ the gateway

    private final AtomicInteger queries = new AtomicInteger();

    /** The gateway records a trade when it notifies (callback answered success); the query answers from it. */
    private Drills.Callbacks callbacks() {
        Drills.Callbacks callbacks = new Drills.Callbacks();
        callbacks.afterSuccess = order -> ledger.putIfAbsent(order.orderNo(),
                new Trade("T" + order.orderNo(), order.amount(), order.currency(), System.currentTimeMillis()));
        return callbacks;
    }

    /**
     * The runbook's step after the restore: the owner's command lists the gateway's bill since a minute before the dump
     * and records the trades whose orders the restored database lacks; run twice (the second must record nothing).
     */
    private void findUnknownTrades(Instant since) throws Exception {
        String url = d.nodes[0].baseUrl() + "/api/admin/gateway-trades/unknown?since=" + since + "&channel=sandbox";
        Drills.HttpResp first = d.send(url, "text/plain", "", true, 120);
        Drills.HttpResp again = d.send(url, "text/plain", "", true, 120);
        d.log("unknown trades since %s: %s; again: %s", since, first, again);
        unknownCommand = first.status() + " newlyFound " + newlyFound(first.body()) + ", again " + again.status()
                + " newlyFound " + newlyFound(again.body());
        try (Connection db = d.db()) {
            // sorted here as the drill's list is (the database's collation may order differently)
            unknownRecorded = Drills.strings(db, "SELECT order_no FROM unknown_trade WHERE channel = 'sandbox'").stream()
                    .sorted().toList();
        }
    }

    private static String newlyFound(String body) {
        Matcher m = Pattern.compile("\"newlyFound\"\\s*:\\s*(\\d+)").matcher(body);
        return m.find() ? m.group(1) : "? (" + body.replaceAll("\\s+", " ") + ")";
    }

    private void query(HttpExchange exchange) throws IOException {
        queries.incrementAndGet();
        if (exchange.getRequestURI().getPath().endsWith("/trades")) {
            list(exchange);
            return;
        }
        Map<String, String> ask = new TreeMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                ask.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String sign = ask.remove("sign");
        if (sign == null || !sign.equals(sign(ask))) {
            reply(exchange, 400, "bad sign");
            return;
        }
        String orderNo = ask.get("orderNo");
        Trade trade = ledger.get(orderNo);
        Map<String, String> answer = new TreeMap<>();
        answer.put("orderNo", orderNo);
        answer.put("status", trade == null ? "NOT_PAID" : "PAID");
        if (trade != null) {
            answer.put("tradeNo", trade.tradeNo());
            answer.put("amount", trade.amount());
            answer.put("currency", trade.currency());
        }
        answer.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        answer.put("sign", sign(answer));
        reply(exchange, 200, answer.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&")));
    }

    /**
     * The gateway's bill (kamiflow's SandboxQueryClient.paidTrades): signed {@code from, to, timestamp} (epoch seconds)
     * in, the paid trades of {@code [from, to)} out as signed {@code trade.<i>.*} fields with the window echoed.
     */
    private void list(HttpExchange exchange) throws IOException {
        Map<String, String> ask = new TreeMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                ask.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String sign = ask.remove("sign");
        if (sign == null || !sign.equals(sign(ask)) || !ask.containsKey("from") || !ask.containsKey("to")) {
            reply(exchange, 400, "bad sign");
            return;
        }
        long from = Long.parseLong(ask.get("from")) * 1000;
        long to = Long.parseLong(ask.get("to")) * 1000;
        List<Map.Entry<String, Trade>> bill = ledger.entrySet().stream()
                .filter(e -> e.getValue().paidAtMs() >= from && e.getValue().paidAtMs() < to)
                .sorted(Map.Entry.comparingByKey()).toList();
        Map<String, String> answer = new TreeMap<>();
        answer.put("from", ask.get("from"));
        answer.put("to", ask.get("to"));
        answer.put("count", Integer.toString(bill.size()));
        for (int i = 0; i < bill.size(); i++) {
            Trade trade = bill.get(i).getValue();
            answer.put("trade." + i + ".tradeNo", trade.tradeNo());
            answer.put("trade." + i + ".orderNo", bill.get(i).getKey());
            answer.put("trade." + i + ".amount", trade.amount());
            answer.put("trade." + i + ".currency", trade.currency());
            answer.put("trade." + i + ".paidAt", Long.toString(trade.paidAtMs() / 1000));
        }
        answer.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        answer.put("sign", sign(answer));
        reply(exchange, 200, answer.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&")));
    }

    private String sign(Map<String, String> fields) {
        String canonical = new TreeMap<>(fields).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(d.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /**
     * One node (node A; node B stopped): on this shared 2-core machine a node took 250-390 s to start, two nodes start
     * one after the other (startup lock), and the drill restarts after the restore; the callbacks meant for node B are
     * refused and repeated to node A, as behind a load balancer.
     */
    private void startNodes(Map<String, String> env, boolean restart) throws Exception {
        for (Node node : d.nodes) {
            if (restart && node.alive()) {
                node.terminate(Duration.ofSeconds(90));
            }
        }
        Node node = d.nodes[0];
        long t0 = System.nanoTime();
        node.start("on-payment", env);
        node.awaitReady(Duration.ofSeconds(900));
        d.log("%s ready in %.0f s, asking the driver's ledger at %s", node.name, (System.nanoTime() - t0) / 1e9,
                env.get("KAMIFLOW_SANDBOX_QUERYURL"));
    }

    private Map<String, Integer> mailCounts() {
        Map<String, Integer> counts = new HashMap<>();
        d.sink.keyMailTexts().forEach((o, texts) -> counts.put(o, texts.size()));
        return counts;
    }

    /** Until every order is delivered and mailed (those in {@code mailedAgain}: more often than in {@code mailsNow}). */
    private void awaitDelivered(List<Drills.Placed> orders, Set<String> mailedAgain, Map<String, Integer> mailsNow,
                                Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection db = d.db()) {
                Map<String, String> status = statusesOf(db, orders);
                Map<String, List<String>> texts = d.sink.keyMailTexts();
                boolean done = orders.stream().allMatch(o -> "DELIVERED".equals(status.get(o.orderNo()))
                        && texts.getOrDefault(o.orderNo(), List.of()).size() > (mailedAgain.contains(o.orderNo())
                        ? mailsNow.getOrDefault(o.orderNo(), 0) : 0));
                if (done) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                // coming back
            }
            Thread.sleep(500);
        }
        d.log("not every order delivered and mailed within %d s", timeout.toSeconds());
    }

    private static Map<String, String> statusesOf(Connection db, List<Drills.Placed> orders) throws java.sql.SQLException {
        Map<String, String> status = new HashMap<>();
        try (var ps = db.prepareStatement("SELECT order_no, status FROM customer_order WHERE order_no = ANY (?)")) {
            ps.setArray(1, db.createArrayOf("varchar", orders.stream().map(Drills.Placed::orderNo).toArray()));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    status.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return status;
    }

    /** The key values in each order's mails, as the buyers received them. */
    private Map<String, Set<String>> mailedKeys(String sku) {
        Pattern key = Pattern.compile(Pattern.quote(sku) + "-[2-9A-Z]{5}(?:-[2-9A-Z]{5}){4}");
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        d.sink.keyMailTexts().forEach((order, texts) -> {
            for (String text : texts) {
                Matcher m = key.matcher(text);
                while (m.find()) {
                    keys.computeIfAbsent(order, o -> new HashSet<>()).add(m.group());
                }
            }
        });
        return keys;
    }

    private String dbName() {
        String url = d.dbUrl;
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** A PostgreSQL client (pg_dump, pg_restore, psql) of the drill's cluster, over TCP as the trusted users. */
    private void pg(String tool, String... args) throws Exception {
        Matcher hostPort = Pattern.compile("//([^:/]+):(\\d+)/").matcher(d.dbUrl);
        if (!hostPort.find()) {
            throw new IllegalStateException("no host and port in " + d.dbUrl);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(d.required("pg-bin"), tool).toString(),
                "-h", hostPort.group(1), "-p", hostPort.group(2)));
        if (!List.of(args).contains("-U")) {
            command.addAll(List.of("-U", d.dbUser));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", d.dbPassword);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(tool + " failed: " + output);
        }
    }
}
