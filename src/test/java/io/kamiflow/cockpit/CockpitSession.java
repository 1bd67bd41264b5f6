package io.kamiflow.cockpit;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import io.kamiflow.support.ShopClient;

/** A browser-like session of the Camunda webapp: logged into one app, calling the Orders plugin's API with its cookies. */
final class CockpitSession {

    private final HttpClient browser;
    private final CookieManager cookies = new CookieManager();
    private final String base;
    final int loginStatus;

    /** Logs in like the webapp does: the XSRF cookie handed out by the app's page must be echoed by the login POST. */
    CockpitSession(int port, String app, String user, String password) {
        this.base = "http://127.0.0.1:" + port + "/camunda";
        this.browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        send(HttpRequest.newBuilder(URI.create(base + "/app/" + app + "/default/")).build());
        this.loginStatus = send(HttpRequest.newBuilder(URI.create(base + "/api/admin/auth/user/default/login/" + app))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", xsrf())
                .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(user) + "&password=" + encode(password)))
                .build()).status();
    }

    /** GET /camunda/api/cockpit/plugin/orders/default/{path}. */
    ShopClient.Response plugin(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/cockpit/plugin/orders/default/" + path))
                .header("Accept", "application/json").build());
    }

    private String xsrf() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                .findFirst().orElseThrow(() -> new AssertionError("the webapp handed out no XSRF-TOKEN cookie")).getValue();
    }

    private ShopClient.Response send(HttpRequest request) {
        try {
            return ShopClient.Response.of(browser.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
