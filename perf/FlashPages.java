import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Storefront page latency during a flash sale (perf/flash-pages.sh runs it): R reader threads GET the catalogue (/),
 * the sale's product page and a buyer's order page (with its token, as the storefront links it) while C buyer threads
 * place more orders for the one product than it has keys and pay every second one with a signed sandbox callback.
 * The same pages are first measured with no sale running. Prints a markdown table per phase. JDK only:
 * {@code java perf/FlashPages.java --base-url=... --admin-user=admin --admin-password=... --secret=...}
 */
public class FlashPages {

    record Placed(String orderNo, String token, String amount, String currency) {
    }

    record Resp(int status, String body) {
    }

    private static final String[] PAGES = {"catalogue /", "product page", "order page"};

    private final Map<String, String> opt;
    private final String base;
    private final String secret;
    private final String adminAuth;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase(Locale.ROOT);
    private final String flashSku = "FLASH-" + run;
    private final List<Placed> orders = new CopyOnWriteArrayList<>();

    FlashPages(Map<String, String> opt) {
        this.opt = opt;
        this.base = opt.get("base-url").replaceAll("/+$", "");
        this.secret = opt.get("secret");
        this.adminAuth = "Basic " + Base64.getEncoder().encodeToString((opt.getOrDefault("admin-user", "admin") + ":"
                + opt.get("admin-password")).getBytes(StandardCharsets.UTF_8));
    }

    int num(String name, int dflt) {
        return Integer.parseInt(opt.getOrDefault(name, Integer.toString(dflt)));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String arg : args) {
            opt.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        System.exit(new FlashPages(opt).run());
    }

    int run() throws Exception {
        int keys = num("keys", 1000), buyers = num("buyers", 1500), c = num("c", 16), r = num("r", 8);
        int idleS = num("idle-s", 20), warmS = num("warm-s", 20), thinkMs = num("think-ms", 5), fillers = num("products", 8);
        log("seeding: %d catalogue products in 2 categories, the sale's product %s with %d keys", fillers, flashSku, keys);
        for (String cat : List.of("games", "software")) {
            admin("/api/admin/categories", "{\"slug\":\"" + cat + "-" + run.toLowerCase(Locale.ROOT) + "\",\"nameEn\":\"" + cat + "\"}");
        }
        for (int i = 0; i < fillers; i++) {
            String sku = "P" + i + "-" + run;
            product(sku, i % 3 == 2 ? null : (i % 2 == 0 ? "games" : "software"), 400);
        }
        product(flashSku, "games", keys);
        String warmSku = "P0-" + run;

        // warm-up: readers plus orders on another product (the JIT, the pools), then pages whose orders exist
        for (int i = 0; i < 40; i++) {
            place(warmSku, "warm-" + i).ifPresent(p -> {
                orders.add(p);
            });
        }
        for (int i = 0; i < orders.size(); i += 2) {
            pay(orders.get(i)); // half of them get keys: their page decrypts and shows them
        }
        log("warm-up %d s (readers, and %d orders on %s)", warmS, 200, warmSku);
        AtomicBoolean stop = new AtomicBoolean();
        Thread warmBuyers = new Thread(() -> {
            for (int i = 0; i < 200 && !stop.get(); i++) {
                place(warmSku, "warmbuyer-" + i).ifPresent(p -> { if (ThreadLocalRandom.current().nextBoolean()) pay(p); });
            }
        });
        warmBuyers.start();
        readFor(r, thinkMs, warmS * 1000L, null);
        stop.set(true);
        warmBuyers.join();

        log("idle: %d readers for %d s", r, idleS);
        double countsBeforeIdle = stockCounts();
        long idleStart = System.nanoTime();
        List<List<Long>> idle = readFor(r, thinkMs, idleS * 1000L, null);
        double idleCounts = stockCounts() - countsBeforeIdle, idleSeconds = (System.nanoTime() - idleStart) / 1e9;

        log("flash sale: %d buyers for %d keys, %d threads, every second order paid; %d readers", buyers, keys, c, r);
        AtomicInteger next = new AtomicInteger(), placedN = new AtomicInteger(), soldOut = new AtomicInteger(),
                failed = new AtomicInteger(), paid = new AtomicInteger();
        AtomicBoolean saleOver = new AtomicBoolean();
        List<Thread> buyerThreads = new ArrayList<>();
        double countsBeforeSale = stockCounts();
        long saleStart = System.nanoTime();
        AtomicLong lastCheckout = new AtomicLong(saleStart);
        for (int t = 0; t < c; t++) {
            Thread th = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < buyers) {
                    Resp resp = post("/api/orders", "application/json", "{\"sku\":\"" + flashSku
                            + "\",\"quantity\":1,\"email\":\"flash-" + run.toLowerCase(Locale.ROOT) + "-" + i
                            + "@bench.test\",\"channel\":\"sandbox\"}", false);
                    lastCheckout.set(System.nanoTime());
                    if (resp.status() == 201 || resp.status() == 200) {
                        Placed p = placed(resp.body());
                        orders.add(p);
                        if (placedN.incrementAndGet() % 2 == 0 && pay(p)) {
                            paid.incrementAndGet();
                        }
                    } else if (resp.status() == 409) {
                        soldOut.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        if (failed.get() <= 3) log("checkout answered %d %s", resp.status(), abbreviate(resp.body()));
                    }
                }
            });
            th.start();
            buyerThreads.add(th);
        }
        Thread watcher = new Thread(() -> {
            for (Thread th : buyerThreads) {
                try { th.join(); } catch (InterruptedException e) { return; }
            }
            saleOver.set(true);
        });
        watcher.start();
        List<List<Long>> sale = readFor(r, thinkMs, 600_000L, saleOver);
        double saleS = (lastCheckout.get() - saleStart) / 1e9;
        double saleCounts = stockCounts() - countsBeforeSale, saleSeconds = (System.nanoTime() - saleStart) / 1e9;
        log("sale over in %.1f s: %d placed, %d sold out (409), %d failed, %d paid", saleS, placedN.get(), soldOut.get(),
                failed.get(), paid.get());

        System.out.println();
        System.out.printf(Locale.ROOT, "Storefront pages, %d readers (think %d ms), %d catalogue products + the sale's; "
                + "sale: %d buyers for %d keys, C=%d, every second order paid; %d cores%n%n", r, thinkMs, fillers, buyers,
                keys, c, Runtime.getRuntime().availableProcessors());
        System.out.println("| phase | page | requests | p50 ms | p95 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        table("idle", idle);
        table("flash sale", sale);
        System.out.printf(Locale.ROOT, "%nflash sale: %.1f s, checkout %.1f/s (%d placed, %d sold out, %d failed), %d paid%n",
                saleS, buyers / saleS, placedN.get(), soldOut.get(), failed.get(), paid.get());
        if (!Double.isNaN(idleCounts + saleCounts)) { // kamiflow_storefront_stock_counts_total, the app's own counter
            System.out.printf(Locale.ROOT, "stock counts by the storefront's levels: idle %.0f (%.1f/s), flash sale %.0f "
                    + "(%.1f/s)%n", idleCounts, idleCounts / idleSeconds, saleCounts, saleCounts / saleSeconds);
        }
        return failed.get() == 0 && placedN.get() == keys ? 0 : 1;
    }

    private void table(String phase, List<List<Long>> samples) {
        for (int p = 0; p < PAGES.length; p++) {
            List<Long> s = new ArrayList<>(samples.get(p));
            Collections.sort(s);
            if (s.isEmpty()) {
                System.out.printf("| %s | %s | 0 | - | - | - | - |%n", phase, PAGES[p]);
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f |%n", phase, PAGES[p], s.size(),
                    pct(s, 50), pct(s, 95), pct(s, 99), s.get(s.size() - 1) / 1e6);
        }
    }

    /** The app's stock counts so far (kamiflow_storefront_stock_counts_total), NaN without --metrics-url. */
    private double stockCounts() {
        String url = opt.get("metrics-url");
        if (url == null) {
            return Double.NaN;
        }
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^kamiflow_storefront_stock_counts_total(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                    .matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (Exception e) {
            log("metrics not read: %s", e);
            return Double.NaN;
        }
    }

    private static double pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    /** R readers, each cycling over the three pages, until the time is up or {@code until} turns true. */
    private List<List<Long>> readFor(int readers, int thinkMs, long millis, AtomicBoolean until) throws InterruptedException {
        List<List<Long>> samples = new ArrayList<>();
        for (int p = 0; p < PAGES.length; p++) samples.add(Collections.synchronizedList(new ArrayList<>()));
        AtomicInteger errors = new AtomicInteger();
        long end = System.currentTimeMillis() + millis;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
            int first = t;
            Thread th = new Thread(() -> {
                for (int k = first; System.currentTimeMillis() < end && (until == null || !until.get()); k++) {
                    int page = k % PAGES.length;
                    String path = switch (page) {
                        case 0 -> "/";
                        case 1 -> "/products/" + flashSku;
                        default -> {
                            // a recent buyer's page, as the buyers of the sale poll theirs
                            int n = orders.size();
                            Placed o = orders.get(Math.max(0, n - 1 - ThreadLocalRandom.current().nextInt(Math.min(n, 200))));
                            yield "/orders/" + o.orderNo() + "?token=" + URLEncoder.encode(o.token(), StandardCharsets.UTF_8);
                        }
                    };
                    long t0 = System.nanoTime();
                    Resp resp = get(path);
                    long took = System.nanoTime() - t0;
                    if (resp.status() != 200) {
                        if (errors.incrementAndGet() <= 3) log("GET %s answered %d", path, resp.status());
                    } else {
                        samples.get(page).add(took);
                    }
                    if (thinkMs > 0) {
                        try { Thread.sleep(thinkMs); } catch (InterruptedException e) { return; }
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) th.join();
        if (errors.get() > 0) log("%d page requests failed", errors.get());
        return samples;
    }

    private void product(String sku, String category, int keys) {
        String cat = category == null ? "" : ",\"category\":\"" + category + "-" + run.toLowerCase(Locale.ROOT) + "\"";
        admin("/api/admin/products", "{\"sku\":\"" + sku + "\",\"name\":\"Key " + sku + "\",\"price\":\"1.00\","
                + "\"currency\":\"CNY\",\"lowStockThreshold\":0,\"stockDisplay\":\"EXACT\",\"descriptionEn\":\"A **key** for "
                + sku + ".\\n\\nDelivered by mail at once.\"" + cat + "}");
        admin("/api/admin/products/" + sku + "/keys/generate", "{\"count\":" + keys + ",\"prefix\":\"" + sku.replace("-", "") + "\"}");
    }

    private void admin(String path, String json) {
        Resp resp = post(path, "application/json", json, true);
        if (resp.status() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + resp.status() + " " + abbreviate(resp.body()));
        }
    }

    private java.util.Optional<Placed> place(String sku, String buyer) {
        Resp resp = post("/api/orders", "application/json", "{\"sku\":\"" + sku + "\",\"quantity\":1,\"email\":\""
                + buyer + "-" + run.toLowerCase(Locale.ROOT) + "@bench.test\",\"channel\":\"sandbox\"}", false);
        return resp.status() / 100 == 2 ? java.util.Optional.of(placed(resp.body())) : java.util.Optional.empty();
    }

    private static Placed placed(String body) {
        return new Placed(json(body, "orderNo"), json(body, "accessToken"), json(body, "amount"), json(body, "currency"));
    }

    /** The signed sandbox notice, as bench/driver signs it: every field but sign, sorted, HMAC-SHA256 in hex. */
    private boolean pay(Placed order) {
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
        String form = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        Resp resp = post("/api/payments/sandbox/notify", "application/x-www-form-urlencoded", form, false);
        return resp.status() == 200 && resp.body().strip().equals("success");
    }

    private Resp get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private Resp post(String path, String type, String body, boolean admin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
        if (admin) b.header("Authorization", adminAuth);
        return send(b.build());
    }

    private Resp send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.body());
        } catch (Exception e) {
            return new Resp(-1, e.toString());
        }
    }

    private static String json(String body, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"?([^\",}]*)\"?").matcher(body);
        if (!m.find()) throw new IllegalStateException("no " + field + " in " + abbreviate(body));
        return m.group(1);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static final long T0 = System.currentTimeMillis();

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[flash %3ds] %s%n", (System.currentTimeMillis() - T0) / 1000,
                String.format(Locale.ROOT, format, args));
    }
}
