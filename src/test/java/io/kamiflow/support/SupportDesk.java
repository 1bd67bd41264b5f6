package io.kamiflow.support;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;

/** A support agent (group kamiflow-support) reaching Camunda like Tasklist and scripts do. */
public final class SupportDesk {

    public static final String USER = "helpdesk";
    public static final String PASSWORD = "helpdesk-password";

    private SupportDesk() {
    }

    public static void ensureUser(IdentityService identity) {
        ensureUser(identity, USER, PASSWORD, "kamiflow-support");
    }

    /**
     * Creates a Camunda user once per test database, in the given group unless it is null.
     * @return true when the user was created now
     */
    public static boolean ensureUser(IdentityService identity, String id, String password, String group) {
        if (identity.createUserQuery().userId(id).count() > 0) {
            return false;
        }
        User user = identity.newUser(id);
        user.setPassword(password);
        user.setFirstName(id); // Tasklist's header shows the name ("null null" without one)
        user.setLastName("(" + (group == null ? "no group" : group) + ")");
        identity.saveUser(user);
        if (group != null) {
            identity.createMembership(id, group);
        }
        return true;
    }

    /** Engine REST with the agent's HTTP Basic credentials. */
    public static ShopClient.Response rest(ShopClient shop, String method, String path, String json) {
        return shop.send(method, path, json == null ? null : "application/json", json, Map.of("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
    }

    /** A browser session logged into Tasklist: the webapp's own REST API behind Tasklist, with its XSRF token. */
    public static final class Tasklist {
        private final HttpClient browser;
        private final CookieManager cookies = new CookieManager();
        private final String base;
        private String xsrf;

        public Tasklist(int port) throws Exception {
            this.base = "http://127.0.0.1:" + port + "/camunda";
            this.browser = HttpClient.newBuilder().cookieHandler(cookies).build();
            browser.send(HttpRequest.newBuilder(URI.create(base + "/app/tasklist/default/")).build(),
                    HttpResponse.BodyHandlers.discarding());
            int login = post("/api/admin/auth/user/default/login/tasklist", "application/x-www-form-urlencoded",
                    "username=" + USER + "&password=" + PASSWORD).statusCode();
            if (login != 200) {
                throw new IllegalStateException("Tasklist login failed: " + login);
            }
            // the login starts a new session: its first read hands out the session's XSRF token
            browser.send(HttpRequest.newBuilder(URI.create(base + "/api/engine/engine/default/task/count")).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        public HttpResponse<String> post(String path, String contentType, String body) throws Exception {
            xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .findFirst().orElseThrow().getValue();
            return browser.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                    .header("X-XSRF-TOKEN", xsrf).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** Any call of the session, as Tasklist's scripts make it ({@code path} under /camunda, sent as written). */
        public ShopClient.Response send(String method, String path, String json) {
            xsrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .findFirst().orElseThrow().getValue();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("X-XSRF-TOKEN", xsrf)
                    .header("Accept", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            try {
                return ShopClient.Response.of(browser.send(request.build(), HttpResponse.BodyHandlers.ofString()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(method + " " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
