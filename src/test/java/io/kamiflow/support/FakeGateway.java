package io.kamiflow.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/**
 * One local HTTP server per test JVM standing in for the gateways' APIs (this machine cannot reach them).
 * Tests install a handler per method and path and read back the requests the application sent. Embedded
 * Tomcat rather than the JDK's HttpServer: gateways' SDKs read response headers in their exact case
 * (wechatpay-java looks up "Wechatpay-Timestamp" case-sensitively), which the JDK server would lowercase.
 */
public final class FakeGateway {

    /** A received request; header names are case-insensitive. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body) {
    }

    public record Reply(int status, Map<String, String> headers, String body) {
    }

    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request) throws Exception;
    }

    private static Tomcat tomcat;
    private static int port;
    private static final Map<String, Handler> HANDLERS = new ConcurrentHashMap<>();
    private static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();

    private FakeGateway() {
    }

    public static synchronized String baseUrl() {
        if (tomcat == null) {
            try {
                tomcat = new Tomcat();
                tomcat.setBaseDir(Files.createTempDirectory("kamiflow-fake-gateway").toString());
                tomcat.setHostname("127.0.0.1");
                tomcat.setPort(0);
                // stripe-java leaves [ and ] unencoded in query strings (metadata[...]), which real gateways accept
                tomcat.getConnector().setProperty("relaxedQueryChars", "[]|{}^`\"<>");
                Context context = tomcat.addContext("", null);
                Tomcat.addServlet(context, "fake", new Servlet());
                context.addServletMappingDecoded("/*", "fake");
                tomcat.start();
                port = tomcat.getConnector().getLocalPort();
            } catch (IOException | LifecycleException e) {
                throw new IllegalStateException("fake gateway did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    tomcat.stop();
                } catch (LifecycleException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return "http://127.0.0.1:" + port;
    }

    /** Answers {@code method path} (path without the query) with the handler until {@link #reset()}. */
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

    private static final class Servlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest http, HttpServletResponse response) throws IOException {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String name : Collections.list(http.getHeaderNames())) {
                headers.put(name, http.getHeader(name));
            }
            Request request = new Request(http.getMethod(), http.getRequestURI(), http.getQueryString(), headers,
                    new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            REQUESTS.add(request);
            Handler handler = HANDLERS.get(request.method() + " " + request.path());
            Reply reply;
            try {
                reply = handler == null ? new Reply(404, Map.of(), "no fake for " + request.path()) : handler.handle(request);
            } catch (Exception e) {
                reply = new Reply(500, Map.of(), "fake failed: " + e);
            }
            response.setStatus(reply.status());
            reply.headers().forEach(response::setHeader);
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
