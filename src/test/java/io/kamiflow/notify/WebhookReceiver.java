package io.kamiflow.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's webhook receiver on a free local port: records each request, checks its signature with its own HMAC
 * (not kamiflow's code), and answers 500 for the first {@code failFirst} requests, then 200.
 */
public final class WebhookReceiver implements AutoCloseable {

    public record Received(String path, String eventId, String event, String signature, String body, boolean signatureValid) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft;
    private volatile String secret = "";

    public WebhookReceiver(int failFirst) throws IOException {
        failuresLeft = new AtomicInteger(failFirst);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String signature = exchange.getRequestHeaders().getFirst("X-Kamiflow-Signature");
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-Kamiflow-Event-Id"),
                    exchange.getRequestHeaders().getFirst("X-Kamiflow-Event"), signature, body, verify(signature, body)));
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public void secret(String secret) {
        this.secret = secret;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, recent. */
    private boolean verify(String header, String body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : expected) {
                hex.append(String.format("%02x", b));
            }
            return java.security.MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.US_ASCII),
                    v1.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
