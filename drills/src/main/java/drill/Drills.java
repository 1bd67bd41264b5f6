package drill;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * kamiflow's failure drills against two real nodes on one throwaway PostgreSQL (started by drills/run.sh): flash sale
 * in both stock modes, kill -9 of a node, a PostgreSQL restart, an SMTP outage and a SIGTERM, each under load of
 * signed sandbox callbacks sent round-robin to both nodes and repeated after a 5xx or a timeout as a gateway does.
 * After each drill the database is checked with the app's own {@code OrderInvariants}; one table row per drill.
 * Exit 0 only when no drill lost an order or did anything twice.
 */
public final class Drills {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PAYMENT = "on-payment";
    private static final String CHECKOUT = "on-checkout";

    record Placed(String orderNo, String amount, String currency, String token) {
    }

    record Row(String drill, long orders, long delivered, long parked, long duplicates, long lost, String maxWait,
               String invariants, List<String> notes, boolean ok) {
    }

    /** What the gateway saw of its callbacks. */
    static final class Callbacks {
        final Set<String> succeeded = ConcurrentHashMap.newKeySet();
        final Map<String, Long> succeededAtMs = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        final AtomicInteger serverErrors = new AtomicInteger();
        final AtomicInteger timeouts = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger repeats = new AtomicInteger();
        /** Run in the callback's thread right after its success (drill d: look at the order page at once). */
        volatile Consumer<Placed> afterSuccess;

        String describe() {
            return String.format(Locale.ROOT, "callbacks: %d success, %d repeated (5xx %d, timeout %d, refused %d)%s",
                    succeeded.size(), repeats.get(), serverErrors.get(), timeouts.get(), refused.get(),
                    failed.isEmpty() ? "" : ", " + failed.size() + " never succeeded, e.g. " + failed.peek());
        }
    }

    private final Map<String, String> opt;
    final Node[] nodes;
    final Sink sink;
    final String secret;
    private final String adminAuth;
    final String dbUrl;
    final String dbUser;
    final String dbPassword;
    private final boolean small;
    private final int flashOrders;
    private final int flashKeys;
    final int drillOrders;
    final Duration load;
    private final Duration burst;
    final Duration settle;
    final String run = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36).toUpperCase(Locale.ROOT);
    final String[] modes = new String[2];
    private final List<Row> rows = new ArrayList<>();
    private final long started = System.nanoTime();

    private Drills(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.small = !"full".equals(opt.getOrDefault("scale", "small"));
        this.flashOrders = Integer.parseInt(opt.getOrDefault("flash-orders", small ? "300" : "5000"));
        this.flashKeys = Integer.parseInt(opt.getOrDefault("flash-keys", small ? "180" : "3000"));
        this.drillOrders = Integer.parseInt(opt.getOrDefault("orders", small ? "180" : "3000"));
        this.load = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("load-seconds", small ? "20" : "60")));
        // the node drills send faster than two nodes deliver, so the victim holds locked jobs when it goes
        this.burst = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("burst-seconds", small ? "4" : "30")));
        this.settle = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("settle-seconds", small ? "240" : "900")));
        this.dbUrl = required("db-url");
        this.dbUser = required("db-user");
        this.dbPassword = required("db-password");
        this.secret = "drill-sandbox-" + hex(16);
        String adminPassword = "drill-admin-" + hex(12);
        this.adminAuth = "Basic " + Base64.getEncoder().encodeToString(("drill-admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        int smtpPort = Integer.parseInt(required("smtp-port"));
        this.sink = new Sink(smtpPort);
        Path work = Path.of(required("work"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPRING_PROFILES_ACTIVE", "prod");
        env.put("KAMIFLOW_DB_URL", dbUrl);
        env.put("KAMIFLOW_DB_USER", dbUser);
        env.put("KAMIFLOW_DB_PASSWORD", dbPassword);
        env.put("KAMIFLOW_MAIL_HOST", "127.0.0.1");
        env.put("KAMIFLOW_MAIL_PORT", Integer.toString(smtpPort));
        env.put("KAMIFLOW_MAIL_STARTTLS", "false");
        env.put("KAMIFLOW_ADMIN_USER", "drill-admin");
        env.put("KAMIFLOW_ADMIN_PASSWORD", adminPassword);
        env.put("KAMIFLOW_SANDBOX_SECRET", secret);
        // the prod profile refuses a sandbox secret unless told this is no shop taking money (a drill is not)
        env.put("KAMIFLOW_SANDBOX_ALLOW_IN_PROD", "true");
        // and exempts nobody from the buyer limits; the drill driver on this host is the operator's own tool
        env.put("KAMIFLOW_RATELIMIT_EXEMPTADDRESSES", "127.0.0.0/8, ::1");
        env.put("KAMIFLOW_CRYPTO_ACTIVEKEYID", "drill");
        env.put("KAMIFLOW_CRYPTO_KEYS_DRILL", base64(32));
        env.put("KAMIFLOW_CRYPTO_FINGERPRINTKEY", base64(32));
        List<String> jvm = Arrays.asList(opt.getOrDefault("java-opts", "-Xms256m -Xmx768m -XX:+UseSerialGC").split(" "));
        int[] ports = Arrays.stream(required("node-ports").split(",")).mapToInt(Integer::parseInt).toArray();
        nodes = new Node[2];
        for (int i = 0; i < 2; i++) {
            Map<String, String> nodeEnv = new LinkedHashMap<>(env);
            nodeEnv.put("KAMIFLOW_STOREFRONT_BASEURL", "http://127.0.0.1:" + ports[2 * i]);
            nodes[i] = new Node(i == 0 ? "node-a" : "node-b", ports[2 * i], ports[2 * i + 1], Path.of(required("jar")), work,
                    nodeEnv, jvm);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String arg : args) {
            opt.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (!thread.getName().startsWith("smtp:")) { // GreenMail's handler when a killed node drops its connection
                e.printStackTrace();
            }
        });
        Drills drills = new Drills(opt);
        int rc;
        try {
            rc = drills.runAll();
        } finally {
            drills.shutdown();
        }
        System.exit(rc);
    }

    private int runAll() throws Exception {
        sink.start();
        Set<String> only = Set.of(opt.getOrDefault("only", "a1,d,c,b,e,a2").split(","));
        // the order saves restarts: b leaves node A dead and e node B; a2 needs both in on-checkout mode
        // f (rolling upgrade) after them: it leaves both nodes on jar N+1 and the schema migrated; g last: it replaces the database
        for (String drill : List.of("a1", "d", "c", "b", "e", "a2", "f", "g")) {
            if (!only.contains(drill)) {
                continue;
            }
            long t0 = System.nanoTime();
            Row row;
            try {
                row = switch (drill) {
                    case "a1" -> flashSalePaid();
                    case "a2" -> flashSaleCheckout();
                    case "b" -> killNode();
                    case "c" -> restartPostgres();
                    case "d" -> smtpDown();
                    case "e" -> terminateNode();
                    case "f" -> new RollingUpgrade(this).run();
                    case "g" -> new BackupRestore(this).run(); // last: it replaces the database
                    default -> throw new IllegalArgumentException(drill);
                };
            } catch (Exception e) {
                e.printStackTrace();
                row = new Row(drill, 0, 0, 0, 0, 0, "-", "-", List.of("drill failed: " + e), false);
            }
            rows.add(row);
            log("%s done in %d s: %s", drill, (System.nanoTime() - t0) / 1_000_000_000L, row.ok() ? "ok" : "FAILED");
            printRow(row);
        }
        printTable();
        return rows.stream().allMatch(Row::ok) ? 0 : 1;
    }

    private void shutdown() throws InterruptedException {
        for (Node node : nodes) {
            if (node.alive()) {
                node.terminate(Duration.ofSeconds(60));
            }
        }
        sink.stop();
    }

    // ------------------------------------------------------------------------------------------------------ the drills

    /** a. N paid callbacks for K keys, keys taken on payment: K delivered, N-K parked, none twice, none lost. */
    private Row flashSalePaid() throws Exception {
        ensureNodes(PAYMENT, PAYMENT);
        String sku = "A1" + run;
        long productId = seed(sku, flashKeys);
        List<Placed> orders = placeAll(sku, flashOrders, new AtomicInteger());
        Callbacks callbacks = pay(orders, load, null);
        Row row = measure("a1 flash sale, on-payment (" + flashOrders + " paid, " + flashKeys + " keys)", productId, orders,
                callbacks, true, new ArrayList<>());
        boolean exact = row.delivered() == flashKeys && row.parked() == flashOrders - flashKeys;
        return expect(row, exact, "expected " + flashKeys + " delivered and " + (flashOrders - flashKeys) + " parked");
    }

    /** a. N checkouts for K keys, keys reserved at checkout: K orders placed (and delivered once paid), the rest 409. */
    private Row flashSaleCheckout() throws Exception {
        ensureNodes(CHECKOUT, CHECKOUT);
        String sku = "A2" + run;
        long productId = seed(sku, flashKeys);
        AtomicInteger soldOut = new AtomicInteger();
        List<Placed> orders = placeAll(sku, flashOrders, soldOut);
        Callbacks callbacks = pay(orders, load, null);
        List<String> notes = new ArrayList<>();
        notes.add(flashOrders + " checkouts: " + orders.size() + " placed, " + soldOut.get() + " refused 409");
        Row row = measure("a2 flash sale, on-checkout (" + flashOrders + " checkouts, " + flashKeys + " keys)", productId,
                orders, callbacks, true, notes);
        boolean exact = orders.size() == flashKeys && soldOut.get() == flashOrders - flashKeys && row.delivered() == flashKeys;
        return expect(row, exact, "expected " + flashKeys + " placed and delivered, " + (flashOrders - flashKeys) + " refused");
    }

    /** b. kill -9 node A in the middle: its locked jobs wait for the lock time, then node B delivers them. */
    private Row killNode() throws Exception {
        ensureNodes(null, null);
        try (SilentSmtp silent = new SilentSmtp()) {
            return killNode(silent);
        }
    }

    /**
     * The victim mails into a silent SMTP port, so the mails of the payments it takes stay in flight (queued, or waiting
     * for the greeting) until the kill; a node keeping up with a small burst would otherwise hold nothing to lose.
     */
    private Row killNode(SilentSmtp silent) throws Exception {
        Node victim = nodes[0];
        restartWithSmtp(0, silent);
        String sku = "B" + run;
        long productId = seed(sku, drillOrders);
        List<Placed> orders = placeAll(sku, drillOrders, new AtomicInteger());
        List<String> notes = new ArrayList<>();
        String owner = victim.lockOwner();
        AtomicLong lockedAtKill = new AtomicLong(-1);
        Callbacks callbacks = pay(orders, burst, () -> {
            awaitLocked(owner);
            victim.kill();
            lockedAtKill.set(heldBy(owner)); // what the dead node holds: nobody runs these until their locks expire
            log("killed %s (kill -9) holding %d jobs or queued key mails", victim.name, lockedAtKill.get());
        });
        notes.add("kill -9 " + victim.name + " mid-load holding " + lockedAtKill.get()
                + " locked jobs or queued key mails (job lock time 60 s, key mail lease 6 s, sweep 1 s)");
        Row row = measure("b kill -9 one node (" + drillOrders + " orders)", productId, orders, callbacks, true, notes);
        row = expect(row, lockedAtKill.get() > 0, "the killed node held no job or queued mail: the drill did not test the lock expiry");
        String waited = awaitLocksExpired(owner);
        if (waited != null) {
            row = withNote(row, waited, row.ok());
        }
        return expect(row, heldBy(owner) == 0, "jobs or queued key mails still held by the killed node after their lock time");
    }

    /**
     * Every order settled, the dead node may still hold jobs no order waits for (a periodic process's timer it had
     * acquired when it died): they keep its lock until the lock time ends, then the other node takes them. Waits for
     * that (at most the 60 s lock time plus 30 s for the acquisition), and says what waited; null when nothing was held.
     */
    private String awaitLocksExpired(String owner) throws Exception {
        if (heldBy(owner) == 0) {
            return null;
        }
        List<String> held;
        String latest;
        try (Connection db = db()) {
            held = strings(db, """
                    SELECT coalesce(j.process_def_key_, '-') || ' ' || j.handler_type_ || ' ' || coalesce(j.handler_cfg_, '')
                    FROM act_ru_job j WHERE j.lock_owner_ = ? ORDER BY 1""", owner);
            latest = held.isEmpty() ? null : strings(db, "SELECT to_char(max(lock_exp_time_), 'HH24:MI:SS') FROM act_ru_job"
                    + " WHERE lock_owner_ = ?", owner).get(0);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60 + 30).toNanos();
        long t0 = System.nanoTime();
        while (heldBy(owner) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        return "after every order settled the dead node still held " + held.size() + " job(s) no order waited for "
                + held + (latest == null ? "" : ", locked until " + latest + " UTC") + " or key mail leases; released "
                + (System.nanoTime() - t0) / 1_000_000_000 + " s later";
    }

    /** c. PostgreSQL down for ~10 s in the middle: 5xx meanwhile, never success without the payment row. */
    private Row restartPostgres() throws Exception {
        ensureNodes(null, null);
        String sku = "C" + run;
        long productId = seed(sku, drillOrders);
        List<Placed> orders = placeAll(sku, drillOrders, new AtomicInteger());
        List<String> notes = new ArrayList<>();
        Callbacks callbacks = pay(orders, load, () -> {
            long t0 = System.nanoTime();
            pgCtl("stop", "-m", "fast");
            log("PostgreSQL stopped");
            Thread.sleep(10_000);
            pgCtl("start", "-w", "-l", required("pg-log"), "-o", required("pg-opts"));
            log("PostgreSQL started again after %d s", (System.nanoTime() - t0) / 1_000_000_000L);
        });
        notes.add("PostgreSQL stopped (fast) for 10 s mid-load");
        Row row = measure("c PostgreSQL restart (" + drillOrders + " orders)", productId, orders, callbacks, true, notes);
        return expect(row, callbacks.serverErrors.get() + callbacks.timeouts.get() > 0,
                "no callback saw the outage (5xx or timeout): the drill did not test it");
    }

    /** d. SMTP down for 30 s in the middle: keys on the order page at once, every mail once SMTP is back. */
    private Row smtpDown() throws Exception {
        ensureNodes(null, null);
        String sku = "D" + run;
        long productId = seed(sku, drillOrders);
        List<Placed> orders = placeAll(sku, drillOrders, new AtomicInteger());
        List<String> notes = new ArrayList<>();
        AtomicLong downFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong downUntil = new AtomicLong(Long.MAX_VALUE);
        // each order page is read once, by the callback's thread right after `success`: a poller over thousands of
        // pages on a saturated machine measured its own lag (41 s at full size), not the app
        Map<String, Long> keysSeenMs = new ConcurrentHashMap<>();
        Callbacks callbacks = new Callbacks();
        callbacks.afterSuccess = order -> {
            if (keysOnPage(order)) {
                keysSeenMs.put(order.orderNo(), System.currentTimeMillis());
            }
        };
        pay(orders, load, callbacks, () -> {
            sink.stop();
            downFrom.set(System.currentTimeMillis());
            log("SMTP sink stopped");
            Thread.sleep(30_000);
            sink.start();
            downUntil.set(System.currentTimeMillis());
            log("SMTP sink started again");
        });
        // paid while the mail server was down: how long until the keys were on the order page
        long paidDuringOutage = 0;
        long maxKeysMs = 0;
        long neverShown = 0;
        for (Placed order : orders) {
            Long paid = callbacks.succeededAtMs.get(order.orderNo());
            if (paid == null || paid < downFrom.get() || paid > downUntil.get()) {
                continue;
            }
            paidDuringOutage++;
            Long seen = keysSeenMs.get(order.orderNo());
            if (seen == null) {
                neverShown++;
            } else {
                maxKeysMs = Math.max(maxKeysMs, seen - paid);
            }
        }
        notes.add(String.format(Locale.ROOT, "SMTP down 30 s mid-load; %d orders paid meanwhile, keys on their page at the first look"
                + " right after `success` (within %.1f s; %d without keys)", paidDuringOutage, maxKeysMs / 1000.0, neverShown));
        Row row = measure("d SMTP down 30 s (" + drillOrders + " orders)", productId, orders, callbacks, true, notes);
        return expect(row, paidDuringOutage > 0 && neverShown == 0,
                "keys of orders paid during the outage not on the page (or no order paid during it)");
    }

    /** e. SIGTERM node B in the middle: it stops within the grace period, leaves no job locked, loses nothing. */
    private Row terminateNode() throws Exception {
        ensureNodes(null, CHECKOUT);
        try (SilentSmtp silent = new SilentSmtp()) {
            return terminateNode(silent);
        }
    }

    /** As in b, the victim mails into a silent SMTP port so it surely holds mails in flight when told to stop. */
    private Row terminateNode(SilentSmtp silent) throws Exception {
        Node victim = nodes[1];
        restartWithSmtp(1, silent);
        String sku = "E" + run;
        long productId = seed(sku, drillOrders);
        List<Placed> orders = placeAll(sku, drillOrders, new AtomicInteger());
        List<String> notes = new ArrayList<>();
        String owner = victim.lockOwner();
        Duration[] stopTook = new Duration[1];
        long[] locked = {-1, -1};
        Callbacks callbacks = pay(orders, burst, () -> {
            locked[0] = awaitLocked(owner);
            stopTook[0] = victim.terminate(Duration.ofSeconds(90));
            locked[1] = heldBy(owner);
            log("%s stopped by SIGTERM in %s (exit %s), %d jobs or queued key mails held by it before, %d after", victim.name,
                    stopTook[0] == null ? "more than 90 s" : stopTook[0].toMillis() + " ms",
                    stopTook[0] == null ? "-" : Integer.toString(victim.exitValue()), locked[0], locked[1]);
        });
        notes.add(String.format(Locale.ROOT, "SIGTERM %s mid-load holding %d jobs or queued key mails: stopped in %s, %d left held"
                        + " (its log: %s)", victim.name, locked[0],
                stopTook[0] == null ? "> 90 s" : String.format(Locale.ROOT, "%.1f s", stopTook[0].toMillis() / 1000.0),
                locked[1], victim.logLine("job executor stopped")));
        Row row = measure("e SIGTERM one node (" + drillOrders + " orders)", productId, orders, callbacks, true, notes);
        row = expect(row, locked[0] > 0, "the node held no job or queued mail when told to stop: the drill did not test the hand-over");
        // kamiflow.shutdown.budget (45 s by default) bounds the whole stop; the JVM's exit takes a few seconds more
        boolean graceful = stopTook[0] != null && stopTook[0].compareTo(Duration.ofSeconds(55)) < 0 && locked[1] == 0;
        return expect(row, graceful, "the node did not exit within 55 s (its 45 s shutdown budget + 10 s) or left jobs or "
                + "queued key mails held");
    }

    /** Waits (up to 15 s) until the node holds jobs or queued mails, so the fault hits work in flight; returns how many. */
    private long awaitLocked(String owner) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long locked;
        while ((locked = heldBy(owner)) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return locked;
    }

    // -------------------------------------------------------------------------------------------------------- nodes

    /** Both nodes up; a node whose stock mode differs from {@code required} (when given) is restarted in it. */
    final boolean[] mailsSilenced = new boolean[2];

    void ensureNodes(String required, String forRestart) throws Exception {
        List<Node> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            if (nodes[i].alive() && !mailsSilenced[i] && (required == null || required.equals(modes[i]))) {
                continue;
            }
            mailsSilenced[i] = false;
            if (nodes[i].alive()) {
                log("restarting %s in %s mode", nodes[i].name, required);
                nodes[i].terminate(Duration.ofSeconds(90));
            }
            modes[i] = required != null ? required : forRestart != null ? forRestart : PAYMENT;
            nodes[i].start(modes[i]);
            starting.add(nodes[i]);
        }
        long t0 = System.nanoTime();
        for (Node node : starting) {
            node.awaitReady(Duration.ofSeconds(300));
            log("%s ready (%s), %d s after start, lock owner %s", node.name, modes[node == nodes[0] ? 0 : 1],
                    (System.nanoTime() - t0) / 1_000_000_000L, node.lockOwner());
        }
    }

    /** Restarts node {@code i} (same stock mode) mailing into {@code silent}; the next drill's ensureNodes restores it. */
    private void restartWithSmtp(int i, SilentSmtp silent) throws Exception {
        Node node = nodes[i];
        if (node.alive()) {
            node.terminate(Duration.ofSeconds(90));
        }
        node.start(modes[i], Map.of("KAMIFLOW_MAIL_PORT", Integer.toString(silent.port())));
        node.awaitReady(Duration.ofSeconds(300));
        log("%s restarted mailing into a silent SMTP port, lock owner %s", node.name, node.lockOwner());
        mailsSilenced[i] = true;
    }

    private Node[] live() {
        return Arrays.stream(nodes).filter(Node::alive).toArray(Node[]::new);
    }

    // ----------------------------------------------------------------------------------------------------- shop API

    /** A product at 1.00 CNY with {@code keys} generated keys, through the admin API. */
    long seed(String sku, int keys) throws Exception {
        Node node = live()[0];
        HttpResp created = send(node.baseUrl() + "/api/admin/products", "application/json", "{\"sku\":\"" + sku
                + "\",\"name\":\"Drill " + sku + "\",\"price\":\"1.00\",\"currency\":\"CNY\",\"lowStockThreshold\":0}", true, 30);
        if (created.status() / 100 != 2) {
            throw new IllegalStateException("creating " + sku + ": " + created);
        }
        for (int left = keys; left > 0; left -= 10_000) {
            int count = Math.min(left, 10_000);
            HttpResp generated = send(node.baseUrl() + "/api/admin/products/" + sku + "/keys/generate", "application/json",
                    "{\"count\":" + count + ",\"prefix\":\"" + sku + "\"}", true, 120);
            if (generated.status() / 100 != 2) {
                throw new IllegalStateException("generating keys for " + sku + ": " + generated);
            }
        }
        try (Connection db = db()) {
            return queryLong(db, "SELECT id FROM product WHERE sku = ?", sku);
        }
    }

    /** n checkouts round-robin over the live nodes; 409 (sold out) counted, anything else but 201 fails the drill. */
    List<Placed> placeAll(String sku, int n, AtomicInteger soldOut) throws Exception {
        Placed[] placed = new Placed[n];
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Node[] live = live();
        long t0 = System.nanoTime();
        parallel(n, 16, i -> {
            String email = ("drill-" + sku + "-" + i + "@drill.test").toLowerCase(Locale.ROOT);
            HttpResp resp = send(live[i % live.length].baseUrl() + "/api/orders", "application/json", "{\"sku\":\"" + sku
                    + "\",\"quantity\":1,\"email\":\"" + email + "\",\"channel\":\"sandbox\"}", false, 30);
            if (resp.status() == 201) {
                placed[i] = new Placed(json(resp.body(), "orderNo"), json(resp.body(), "amount"), json(resp.body(), "currency"),
                        json(resp.body(), "accessToken"));
            } else if (resp.status() == 409) {
                soldOut.incrementAndGet();
            } else {
                errors.add(resp.toString());
            }
        });
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.size() + " checkouts failed, e.g. " + errors.peek());
        }
        List<Placed> orders = Arrays.stream(placed).filter(p -> p != null).toList();
        log("%s: %d orders placed in %.1f s (%d refused 409)", sku, orders.size(), (System.nanoTime() - t0) / 1e9, soldOut.get());
        return orders;
    }

    interface Fault {
        void inject() throws Exception;
    }

    private Callbacks pay(List<Placed> orders, Duration over, Fault midway) throws Exception {
        Callbacks callbacks = new Callbacks();
        pay(orders, over, callbacks, midway);
        return callbacks;
    }

    /**
     * One signed callback per order, paced evenly over {@code over}, round-robin over both nodes; after a 5xx, a
     * timeout or a refused connection the same notice is sent again (to the next node, as a load balancer would) until
     * it is answered {@code success}, like a gateway. {@code midway} runs when half of them have been started.
     */
    void pay(List<Placed> orders, Duration over, Callbacks callbacks, Fault midway) throws Exception {
        int n = orders.size();
        long t0 = System.nanoTime();
        Thread fault = null;
        if (midway != null) {
            fault = new Thread(() -> {
                try {
                    Thread.sleep(over.toMillis() / 2);
                    midway.inject();
                } catch (Exception e) {
                    throw new IllegalStateException("fault injection failed", e);
                }
            }, "fault");
            fault.start();
        }
        long deadline = System.nanoTime() + over.toNanos() + Duration.ofSeconds(240).toNanos();
        parallel(n, 32, i -> {
            long due = t0 + over.toNanos() * i / n;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            Placed order = orders.get(i);
            String notice = signedNotice(order);
            for (int attempt = 0; ; attempt++) {
                Node node = nodes[(i + attempt) % 2];
                if (attempt > 0) {
                    callbacks.repeats.incrementAndGet();
                    Thread.sleep(Math.min(2000, 250L * attempt));
                }
                if (System.nanoTime() > deadline) {
                    callbacks.failed.add(order.orderNo() + ": no success within 240 s");
                    return;
                }
                try {
                    HttpResp resp = send(node.baseUrl() + "/api/payments/sandbox/notify", "application/x-www-form-urlencoded",
                            notice, false, 10);
                    if (resp.status() == 200 && resp.body().trim().equals("success")) {
                        callbacks.succeeded.add(order.orderNo());
                        callbacks.succeededAtMs.put(order.orderNo(), System.currentTimeMillis());
                        if (callbacks.afterSuccess != null) {
                            callbacks.afterSuccess.accept(order);
                        }
                        return;
                    }
                    if (resp.status() < 500) {
                        callbacks.failed.add(order.orderNo() + ": " + resp);
                        return;
                    }
                    callbacks.serverErrors.incrementAndGet();
                } catch (HttpTimeoutException e) {
                    callbacks.timeouts.incrementAndGet();
                } catch (IOException e) {
                    callbacks.refused.incrementAndGet();
                }
            }
        });
        if (fault != null) {
            fault.join();
        }
        log("%d callbacks answered in %.1f s; %s", n, (System.nanoTime() - t0) / 1e9, callbacks.describe());
    }

    /** Polls the order pages of paid orders until each shows its keys; records when. */
    /** One look at the order page, as the buyer's browser would right after paying: are the keys on it? */
    private boolean keysOnPage(Placed order) {
        try {
            Node[] live = live();
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(live[0].baseUrl()
                            + "/api/orders/" + order.orderNo())).header("X-Order-Token", order.token())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return page.statusCode() == 200 && page.body().matches("(?s).*\"keys\"\\s*:\\s*\\[\\s*\".*");
        } catch (Exception e) {
            return false; // counted as not shown: the drill fails and says so
        }
    }

    // ------------------------------------------------------------------------------------------------------ checks

    /**
     * Waits until every paid order is delivered or parked (and its key mail is in the sink), then counts: orders,
     * delivered, parked, duplicates (a second payment, a key on two orders, more keys than bought, two distinct
     * mails), lost (a callback never answered success, a success without its payment row, a paid order neither
     * delivered nor parked, a delivered order without mail) and the longest payment-to-delivered wait; and runs the
     * app's OrderInvariants.
     */
    Row measure(String name, long productId, List<Placed> orders, Callbacks callbacks, boolean mails,
                        List<String> notes) throws Exception {
        long deadline = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection db = db()) {
                Map<String, String> status = statuses(db, productId);
                Map<String, Integer> mailed = sink.keyMailsByOrder();
                long settled = 0;
                for (Placed order : orders) {
                    String s = status.get(order.orderNo());
                    boolean mailedOnce = !mails || !"DELIVERED".equals(s) || mailed.getOrDefault(order.orderNo(), 0) > 0;
                    if (("DELIVERED".equals(s) || "AWAITING_STOCK".equals(s)) && mailedOnce
                            || !callbacks.succeeded.contains(order.orderNo())) {
                        settled++;
                    }
                }
                if (settled == orders.size() && runningDelivered(db, productId) == 0) {
                    break;
                }
            } catch (SQLException e) {
                // the database may still be coming back
            }
            Thread.sleep(500);
        }
        try (Connection db = db()) {
            Map<String, String> status = statuses(db, productId);
            Map<String, Integer> mailed = sink.keyMailsByOrder();
            long delivered = status.values().stream().filter("DELIVERED"::equals).count();
            long parked = status.values().stream().filter("AWAITING_STOCK"::equals).count();
            Set<String> payments = Set.copyOf(strings(db, """
                    SELECT p.order_no FROM payment p JOIN customer_order o ON o.order_no = p.order_no WHERE o.product_id = ?""",
                    productId));
            long paymentsTotal = queryLong(db, """
                    SELECT count(*) FROM payment p JOIN customer_order o ON o.order_no = p.order_no WHERE o.product_id = ?""", productId);
            long keysOnTwoOrders = queryLong(db, """
                    SELECT count(*) FROM (SELECT r.key_id FROM key_reveal r JOIN card_key k ON k.id = r.key_id
                    WHERE k.product_id = ? GROUP BY r.key_id HAVING count(DISTINCT r.order_id) > 1) twice""", productId);
            long overKeyed = queryLong(db, """
                    SELECT count(*) FROM customer_order o WHERE o.product_id = ?
                    AND (SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status IN ('SOLD', 'RESERVED')) > o.quantity""",
                    productId);
            long mailedTwice = 0;
            long unmailed = 0;
            for (Placed order : orders) {
                int count = mailed.getOrDefault(order.orderNo(), 0);
                mailedTwice += count > 1 ? 1 : 0;
                unmailed += mails && "DELIVERED".equals(status.get(order.orderNo())) && count == 0 ? 1 : 0;
            }
            long neverSucceeded = orders.stream().filter(o -> !callbacks.succeeded.contains(o.orderNo())).count();
            long successWithoutPayment = callbacks.succeeded.stream().filter(o -> !payments.contains(o)).count();
            long stuck = orders.stream().filter(o -> payments.contains(o.orderNo()))
                    .filter(o -> !Set.of("DELIVERED", "AWAITING_STOCK").contains(status.get(o.orderNo()))).count();
            Map<String, Long> stuckBy = orders.stream().filter(o -> payments.contains(o.orderNo()))
                    .map(o -> status.get(o.orderNo())).filter(s -> !Set.of("DELIVERED", "AWAITING_STOCK").contains(s))
                    .collect(Collectors.groupingBy(String::valueOf, TreeMap::new, Collectors.counting()));
            Double maxWait = queryDouble(db, """
                    SELECT max(extract(epoch FROM o.delivered_at - p.received_at)) FROM customer_order o
                    JOIN payment p ON p.id = o.payment_id WHERE o.product_id = ? AND o.delivered_at IS NOT NULL""", productId);
            long duplicates = (paymentsTotal - payments.size()) + keysOnTwoOrders + overKeyed + mailedTwice;
            long lost = neverSucceeded + successWithoutPayment + stuck + unmailed;
            List<String> invariants = invariants();
            notes.add(callbacks.describe());
            if (duplicates > 0) {
                notes.add(String.format(Locale.ROOT, "duplicates: %d second payments, %d keys on two orders, %d orders over"
                        + " their quantity, %d orders with two distinct mails", paymentsTotal - payments.size(), keysOnTwoOrders,
                        overKeyed, mailedTwice));
            }
            if (lost > 0) {
                notes.add(String.format(Locale.ROOT, "lost: %d never answered success, %d success without payment row,"
                        + " %d paid but neither delivered nor parked %s, %d delivered without mail", neverSucceeded,
                        successWithoutPayment, stuck, stuckBy, unmailed));
            }
            if (!invariants.isEmpty()) {
                notes.add("INVARIANTS VIOLATED: " + invariants);
            }
            if (mails) {
                notes.add("mails: " + orders.stream().filter(o -> mailed.getOrDefault(o.orderNo(), 0) > 0).count() + " orders mailed");
            }
            return new Row(name, orders.size(), delivered, parked, duplicates, lost,
                    maxWait == null ? "-" : String.format(Locale.ROOT, "%.1f s", maxWait),
                    invariants.isEmpty() ? "hold" : invariants.size() + " violated", notes,
                    duplicates == 0 && lost == 0 && invariants.isEmpty());
        }
    }

    static Row expect(Row row, boolean condition, String otherwise) {
        return condition ? row : withNote(row, "FAILED: " + otherwise, false);
    }

    static Row withNote(Row row, String note, boolean ok) {
        List<String> notes = new ArrayList<>(row.notes());
        notes.add(note);
        return new Row(row.drill(), row.orders(), row.delivered(), row.parked(), row.duplicates(), row.lost(), row.maxWait(),
                row.invariants(), notes, ok);
    }

    /** The app's own invariant checks (io.kamiflow.ops.OrderInvariants from its target/classes); a race in flight gets two more tries. */
    List<String> invariants() throws Exception {
        DataSource dataSource = new DriverManagerDataSource(dbUrl, dbUser, dbPassword);
        Class<?> type = Class.forName("io.kamiflow.ops.OrderInvariants");
        Constructor<?> constructor = type.getDeclaredConstructor(JdbcClient.class);
        constructor.setAccessible(true);
        Object checks = constructor.newInstance(JdbcClient.create(dataSource));
        List<String> violations = List.of();
        for (int attempt = 0; attempt < 3; attempt++) {
            violations = ((List<?>) type.getMethod("check").invoke(checks)).stream().map(String::valueOf).toList();
            if (violations.isEmpty()) {
                break;
            }
            Thread.sleep(3000);
        }
        return violations;
    }

    long heldBy(String owner) throws SQLException {
        try (Connection db = db()) {
            // jobs it locked, and key mails it queued that no other node may take yet
            return queryLong(db, """
                    SELECT (SELECT count(*) FROM act_ru_job WHERE lock_owner_ = ?)
                         + (SELECT count(*) FROM key_mail_queue WHERE owner = ? AND lease_until > now())""", owner, owner);
        }
    }

    private static long runningDelivered(Connection db, long productId) throws SQLException {
        return queryLong(db, """
                SELECT count(*) FROM act_ru_execution e JOIN customer_order o ON o.order_no = e.business_key_
                WHERE e.id_ = e.proc_inst_id_ AND o.product_id = ? AND o.status = 'DELIVERED'""", productId);
    }

    static Map<String, String> statuses(Connection db, long productId) throws SQLException {
        Map<String, String> status = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT order_no, status FROM customer_order WHERE product_id = ?")) {
            ps.setLong(1, productId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    status.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return status;
    }

    // --------------------------------------------------------------------------------------------------- PostgreSQL

    private void pgCtl(String... args) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(required("pg-ctl").split(" ")));
        command.addAll(List.of("-D", required("pg-data")));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed: " + output);
        }
    }

    Connection db() throws SQLException {
        return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
    }

    // --------------------------------------------------------------------------------------------------------- output

    private void printRow(Row row) {
        System.out.printf(Locale.ROOT, "%n%s: orders %d, delivered %d, parked %d, duplicates %d, lost %d, max wait %s,"
                        + " invariants %s%n  %s%n%n", row.drill(), row.orders(), row.delivered(), row.parked(), row.duplicates(),
                row.lost(), row.maxWait(), row.invariants(), String.join("\n  ", row.notes()));
    }

    private void printTable() {
        System.out.printf(Locale.ROOT, "%nkamiflow drills (%s scale), 2 nodes, %d cores, %.0f s in all%n%n",
                small ? "small" : "full", Runtime.getRuntime().availableProcessors(), (System.nanoTime() - started) / 1e9);
        System.out.println("| drill | orders | delivered | parked | duplicates | lost | max wait | invariants | result |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s | %s | %s |%n", row.drill(), row.orders(),
                    row.delivered(), row.parked(), row.duplicates(), row.lost(), row.maxWait(), row.invariants(),
                    row.ok() ? "ok" : "FAILED");
        }
        System.out.println();
        for (Row row : rows) {
            System.out.println("- " + row.drill() + ": " + String.join("; ", row.notes()));
        }
    }

    void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[drills %4ds] %s%n", (System.nanoTime() - started) / 1_000_000_000L,
                String.format(Locale.ROOT, format, args));
    }

    // -------------------------------------------------------------------------------------------------------- helpers

    record HttpResp(int status, String body) {
        @Override
        public String toString() {
            String flat = body.replaceAll("\\s+", " ");
            return status + " " + (flat.length() > 200 ? flat.substring(0, 200) + "..." : flat);
        }
    }

    HttpResp send(String url, String contentType, String body, boolean admin, int timeoutSeconds)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            request.header("Authorization", adminAuth);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new HttpResp(response.statusCode(), response.body());
    }

    /** The sandbox notice: every field but sign, sorted by name as k=v&k=v, HMAC-SHA256 under the secret, lowercase hex. */
    String signedNotice(Placed order) {
        TreeMap<String, String> fields = new TreeMap<>();
        fields.put("orderNo", order.orderNo());
        fields.put("tradeNo", "T" + order.orderNo());
        fields.put("amount", order.amount());
        fields.put("currency", order.currency());
        fields.put("status", "PAID");
        fields.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        String canonical = fields.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            fields.put("sign", HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8))));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    @FunctionalInterface
    interface IndexTask {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, int threads, IndexTask task) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, Math.max(1, n)); t++) {
            Thread worker = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    try {
                        task.run(i);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " tasks failed, e.g. " + failures.peek(), failures.peek());
        }
    }

    static String json(String body, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + body);
        }
        return m.group(1);
    }

    static long queryLong(Connection db, String sql, Object... params) throws SQLException {
        Double value = queryDouble(db, sql, params);
        if (value == null) {
            throw new IllegalStateException("no value for " + sql);
        }
        return value.longValue();
    }

    private static Double queryDouble(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                double value = rs.getDouble(1);
                return rs.wasNull() ? null : value;
            }
        }
    }

    static List<String> strings(Connection db, String sql, Object... params) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    String required(String name) {
        String value = opt.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String base64(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }
}
