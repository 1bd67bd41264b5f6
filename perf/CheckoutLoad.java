import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sustained checkout load (perf/checkout.sh runs it against kamiflow and the bench's baseline): seeds products of
 * KEYS_PER_PRODUCT keys (1,000, as one bench round) through the admin API both apps share, then C threads place one-key orders for distinct buyers (the
 * bench's checkout: JSON, channel sandbox) for WARM_S unmeasured seconds and MEASURE_S measured ones. Prints one
 * markdown row: checkouts/s, p50/p99 latency and CPU ms per checkout of the app and of all postgres processes
 * (/proc, over the measured window). The bench's checkout round lasts 1-3 s; this one holds the load long enough for
 * a profile and a stable CPU split. JDK only.
 */
public class CheckoutLoad {

    record Resp(int status, String body) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String arg : args) {
            opt.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        String base = opt.get("base-url");
        String app = opt.get("app");
        long pid = Long.parseLong(opt.get("pid"));
        int c = Integer.parseInt(opt.getOrDefault("c", "16"));
        int warmS = Integer.parseInt(opt.getOrDefault("warm-s", "60"));
        int measureS = Integer.parseInt(opt.getOrDefault("measure-s", "30"));
        int keys = Integer.parseInt(opt.getOrDefault("keys", "150000"));
        // the bench seeds a fresh product of N keys per round: its checkouts never walk a long run of taken keys
        int perProduct = Integer.parseInt(opt.getOrDefault("keys-per-product", "1000"));
        int products = (keys + perProduct - 1) / perProduct;
        // every checkout for the first product, whose keys the after-seed hook took: each answer is a refusal (409)
        boolean soldOut = Boolean.parseBoolean(opt.getOrDefault("sold-out", "false"));
        String auth = "Basic " + Base64.getEncoder().encodeToString((opt.get("admin-user") + ":" + opt.get("admin-password"))
                .getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase(Locale.ROOT);
        for (int p = 0; p < products; p++) {
            String sku = "LOAD-" + run + "-" + p;
            Resp created = post(http, base + "/api/admin/products", auth, "{\"sku\":\"" + sku + "\",\"name\":\"Load " + sku
                    + "\",\"price\":\"1.00\",\"currency\":\"CNY\",\"lowStockThreshold\":0}");
            check(created, "creating the product");
            for (int left = perProduct; left > 0; left -= 10_000) {
                check(post(http, base + "/api/admin/products/" + sku + "/keys/generate", auth,
                        "{\"count\":" + Math.min(left, 10_000) + ",\"prefix\":\"L" + run + p + "\"}"), "generating keys");
            }
        }

        if (opt.containsKey("after-seed")) { // e.g. statistics taken now and kept, as in a big shop (checkout.sh STALE_STATS)
            Process hook = new ProcessBuilder("bash", "-c", opt.get("after-seed")).inheritIO().start();
            if (hook.waitFor() != 0) {
                throw new IllegalStateException("--after-seed failed: " + opt.get("after-seed"));
            }
        }

        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger measured = new AtomicInteger();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        String[] firstError = new String[1];
        for (int t = 0; t < c; t++) {
            long[] mine = new long[200_000];
            latencies.add(mine);
            int[] count = new int[1];
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    int i = next.getAndIncrement();
                    String sku = "LOAD-" + run + "-" + (soldOut ? 0 : i / perProduct);
                    long t0 = System.nanoTime();
                    Resp r;
                    try {
                        r = post(http, base + "/api/orders", null, "{\"sku\":\"" + sku + "\",\"quantity\":1,\"email\":\"load-"
                                + run.toLowerCase(Locale.ROOT) + "-" + i + "@bench.test\",\"channel\":\"sandbox\"}");
                    } catch (Exception e) {
                        r = new Resp(0, e.toString());
                    }
                    long took = System.nanoTime() - t0;
                    if (soldOut ? r.status() != 409 : r.status() / 100 != 2) {
                        failed.incrementAndGet();
                        firstError[0] = r.status() + " " + r.body();
                    } else if (measuring.get() && count[0] < mine.length) {
                        mine[count[0]++] = took;
                        measured.incrementAndGet();
                    }
                }
                mine[mine.length - 1] = count[0];
            });
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(warmS * 1000L);
        long[] before = cpu(pid);
        Map<String, Long> threadsBefore = threadTicks(pid);
        int startCount = next.get();
        long m0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(measureS * 1000L);
        measuring.set(false);
        long[] after = cpu(pid);
        Map<String, Long> threadsAfter = threadTicks(pid);
        double seconds = (System.nanoTime() - m0) / 1e9;
        int done = measured.get();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        long[] all = latencies.stream().flatMap(l -> Arrays.stream(l, 0, (int) l[l.length - 1]).boxed())
                .mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.2f | %.2f | %d |%n", app, c, done,
                done / seconds, pct(all, 50), pct(all, 99), (after[0] - before[0]) * 10.0 / done,
                (after[1] - before[1]) * 10.0 / done, failed.get());
        long appTicks = after[0] - before[0];
        StringBuilder split = new StringBuilder(app + " CPU by thread group:");
        threadsAfter.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
                .forEach(e -> split.append(String.format(Locale.ROOT, " %s %.0f%%,", e.getKey(), 100.0 * e.getValue() / appTicks)));
        System.err.println(split);
        if (failed.get() > 0) {
            System.err.println("first failure: " + firstError[0] + " (" + startCount + " placed before measuring)");
        }
    }

    static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    static void check(Resp r, String what) {
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(what + " answered " + r.status() + " " + r.body());
        }
    }

    static Resp post(HttpClient http, String url, String auth, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.body());
    }

    /** CPU ticks (USER_HZ 100) of the app and of all postgres processes. */
    static long[] cpu(long pid) throws IOException {
        long pg = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                String stat = stat(dir);
                if (stat != null && stat.contains("(postgres)")) {
                    pg += ticks(stat);
                }
            }
        }
        return new long[] {ticks(stat(Path.of("/proc", Long.toString(pid)))), pg};
    }

    /** CPU ticks per thread group (the thread's name without its number) of the app. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> groups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = stat(task);
                if (stat != null) {
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[-#]?\\d+$", "");
                    groups.merge(name, ticks(stat), Long::sum);
                }
            }
        }
        return groups;
    }

    static String stat(Path dir) {
        try {
            return Files.readString(dir.resolve("stat"));
        } catch (IOException e) {
            return null;
        }
    }

    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
