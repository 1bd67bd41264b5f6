package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamiflow.support.ShopClient;

/** A browser's session with the storefront over plain HTTP: its cookies, the pages' CSRF tokens, form posts. */
public class StorefrontForms {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final String clientAddress;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** @param clientAddress sent as X-Forwarded-For from 127.0.0.1 (an internal proxy); null for the exempt loopback */
    public StorefrontForms(int port, String clientAddress) {
        this.base = "http://127.0.0.1:" + port;
        this.clientAddress = clientAddress;
    }

    public ShopClient.Response get(String path, String acceptLanguage) {
        HttpRequest.Builder request = request(path).GET();
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return send(request);
    }

    /** The CSRF token the page at {@code path} puts in its form. */
    public String csrfToken(String path) {
        return csrfToken(get(path, null));
    }

    public static String csrfToken(ShopClient.Response page) {
        Matcher token = CSRF.matcher(page.body());
        assertThat(token.find()).as("a CSRF field in: " + page.body()).isTrue();
        return token.group(1);
    }

    /** Carries this cookie from now on, as a browser that got it from another node of the shop would. */
    public StorefrontForms withCookie(String name, String value) {
        java.net.HttpCookie cookie = new java.net.HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(base + "/"), cookie);
        return this;
    }

    public ShopClient.Response post(String path, Map<String, String> fields) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(ShopClient.form(new LinkedHashMap<>(fields)))));
    }

    /**
     * A multipart/form-data post, as a browser sends a form with a file: the text fields, then one file part
     * ({@code fileField}, {@code fileName}, its raw bytes); a null {@code fileName} sends an empty file part.
     */
    public ShopClient.Response postMultipart(String path, Map<String, String> fields, String fileField, String fileName,
                                             byte[] file) {
        String boundary = "----kamiflow" + Long.toHexString(System.nanoTime());
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n").getBytes(utf8));
        }
        if (fileField != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                    + (fileName == null ? "" : fileName) + "\"\r\nContent-Type: "
                    + (fileName == null ? "application/octet-stream" : "text/plain") + "\r\n\r\n").getBytes(utf8));
            body.writeBytes(file == null ? new byte[0] : file);
            body.writeBytes("\r\n".getBytes(utf8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(utf8));
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html");
        if (clientAddress != null) {
            request.header("X-Forwarded-For", clientAddress);
        }
        return request;
    }

    private ShopClient.Response send(HttpRequest.Builder request) {
        try {
            return ShopClient.Response.of(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static java.util.List<String> headers(ShopClient.Response response, String name) {
        return response.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .flatMap(h -> h.getValue().stream()).toList();
    }

    public static String header(ShopClient.Response response, String name) {
        return response.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(0)).findFirst().orElse(null);
    }

    static Map<String, String> checkoutFields(String quantity, String email, String channel, String csrf) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("quantity", quantity);
        fields.put("email", email);
        fields.put("channel", channel);
        if (csrf != null) {
            fields.put("_csrf", csrf);
        }
        return fields;
    }
}
