package drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One kamiflow node: a java -jar process with production settings from the environment, its log in a file. */
final class Node {

    private static final Pattern LOCK_OWNER = Pattern.compile("job executor lock owner (\\S+), lock time");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final int managementPort;
    private Path jar;
    private final Path log;
    private final Map<String, String> env;
    private final List<String> jvm;
    private Process process;
    private int starts;

    Node(String name, int port, int managementPort, Path jar, Path workDir, Map<String, String> env, List<String> jvm) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.jar = jar;
        this.log = workDir.resolve(name + ".log");
        this.env = env;
        this.jvm = jvm;
    }

    /** The jar its next start runs (drill f: a rolling upgrade to N+1). */
    void useJar(Path next) {
        this.jar = next;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the process (stock mode: on-payment or on-checkout); {@link #awaitReady} waits for it. */
    void start(String stockReservation) throws IOException {
        start(stockReservation, Map.of());
    }

    /** The same, with {@code extraEnv} for this start only (a fault drill's own SMTP port, say). */
    void start(String stockReservation, Map<String, String> extraEnv) throws IOException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
        builder.environment().put("KAMIFLOW_STOCK_RESERVATION", stockReservation);
        builder.environment().putAll(extraEnv);
        builder.redirectErrorStream(true);
        Path target = starts++ == 0 ? log : log.resolveSibling(name + "." + starts + ".log");
        builder.redirectOutput(target.toFile());
        process = builder.start();
        current = target;
        logs.add(target);
        // run.sh kills what is left of the nodes if the driver itself dies
        Files.writeString(log.resolveSibling(name + ".pid"), Long.toString(process.pid()));
    }

    private Path current;
    private final List<Path> logs = new ArrayList<>();

    /** The logs of its earlier starts (drill f: the node's runs on jar N). */
    List<Path> previousLogs() {
        return List.copyOf(logs.subList(0, Math.max(0, logs.size() - 1)));
    }

    /** Until /actuator/health/readiness answers UP (database and job executor). */
    void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log: " + current);
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                        + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s; log: " + current);
    }

    /** The job executor's lock owner this process logged at start. */
    String lockOwner() throws IOException {
        Matcher owner = LOCK_OWNER.matcher(Files.readString(current));
        if (!owner.find()) {
            throw new IllegalStateException(name + " logged no lock owner in " + current);
        }
        return owner.group(1);
    }

    /** The first line of its current log containing {@code text} (without the log prefix), or "-". */
    String logLine(String text) throws IOException {
        return Files.readAllLines(current).stream().filter(line -> line.contains(text))
                .map(line -> line.replaceFirst("^.*? : ", "")).findFirst().orElse("-");
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no unlocking; its jobs stay locked until the lock time expires. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then waits up to {@code timeout}; returns how long it took to exit, or null if it did not. */
    Duration terminate(Duration timeout) throws InterruptedException {
        long started = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return null;
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    int exitValue() {
        return process.exitValue();
    }

    Path logFile() {
        return current;
    }
}
