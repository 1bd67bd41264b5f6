package io.kamiflow.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * One local HTTP server per test JVM standing in for the gateways' APIs (this machine cannot reach them).
 * Tests install a handler per method and path and read back the requests the application sent.
 */
public final class FakeGateway {

    public record Request(String method, String path, String query, Headers headers, String body) {
    }

    public record Reply(int status, Map<String, String> headers, String body) {
    }

    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request) throws Exception;
    }

    private static HttpServer server;
    private static final Map<String, Handler> HANDLERS = new ConcurrentHashMap<>();
    private static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();

    private FakeGateway() {
    }

    public static synchronized String baseUrl() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", FakeGateway::serve);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code method path} (path without the query) with the handler until replaced. */
    public static void on(String method, String path, Handler handler) {
        HANDLERS.put(method + " " + path, handler);
    }

    public static List<Request> requests() {
        return List.copyOf(REQUESTS);
    }

    public static void reset() {
        HANDLERS.clear();
        REQUESTS.clear();
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            REQUESTS.add(request);
            Handler handler = HANDLERS.get(request.method() + " " + request.path());
            Reply reply;
            try {
                reply = handler == null ? new Reply(404, Map.of(), "no fake for " + request.path()) : handler.handle(request);
            } catch (Exception e) {
                reply = new Reply(500, Map.of(), "fake failed: " + e);
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
