package io.kamiflow.gateway.alipay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.payment.GatewayHttp;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.web.LogSafe;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Calls an Alipay OpenAPI method: the common parameters and biz_content, signed with the merchant key, POSTed as a
 * form to the gateway. The answer is trusted only when Alipay's signature over the raw
 * {@code <method>_response} object verifies with the Alipay public key.
 */
final class AlipayOpenApi {

    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final ZoneId ALIPAY_ZONE = ZoneId.of("Asia/Shanghai");

    /** A verified answer: the {@code <method>_response} object and its raw text (no secrets in it). */
    record Answer(JsonNode response, String raw) {
        String code() {
            return response.path("code").asText();
        }

        String subCode() {
            return response.path("sub_code").asText();
        }

        boolean success() {
            return "10000".equals(code());
        }
    }

    private final String appId;
    private final String gatewayUrl;
    private final PrivateKey merchantKey;
    private final PublicKey alipayKey;
    private final ObjectMapper json;
    private final RestClient http;

    AlipayOpenApi(String appId, String gatewayUrl, PrivateKey merchantKey, PublicKey alipayKey, ObjectMapper json,
                  GatewayTimeouts timeouts) {
        this.appId = appId;
        this.gatewayUrl = gatewayUrl;
        this.merchantKey = merchantKey;
        this.alipayKey = alipayKey;
        this.json = json;
        // called outside any transaction (refunds, queries, closes), and retried by their process, not here
        this.http = GatewayHttp.restClient(timeouts);
    }

    /** @throws IllegalStateException when the gateway cannot be reached or its answer does not verify */
    Answer call(String method, Map<String, Object> bizContent) {
        Map<String, String> request = new TreeMap<>();
        request.put("app_id", appId);
        request.put("method", method);
        request.put("format", "JSON");
        request.put("charset", "utf-8");
        request.put("sign_type", "RSA2");
        request.put("timestamp", LocalDateTime.now(ALIPAY_ZONE).format(TIMESTAMP));
        request.put("version", "1.0");
        try {
            request.put("biz_content", json.writeValueAsString(bizContent));
        } catch (IOException e) {
            throw new IllegalStateException("biz_content of " + method + " not writable", e);
        }
        request.put("sign", AlipayRsa2.signRequest(request, merchantKey));
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        request.forEach(form::add);

        String body;
        try {
            body = http.post().uri(gatewayUrl)
                    .contentType(new MediaType(MediaType.APPLICATION_FORM_URLENCODED, StandardCharsets.UTF_8))
                    .accept(MediaType.APPLICATION_JSON, MediaType.TEXT_HTML, MediaType.TEXT_PLAIN)
                    .body(form).retrieve().body(String.class);
        } catch (RestClientException e) {
            throw new IllegalStateException("alipay " + method + " unreachable (" + e.getClass().getSimpleName() + ")");
        }
        String responseKey = method.replace('.', '_') + "_response";
        Map<String, String> parts = topLevelObjects(body == null ? "" : body, responseKey, "error_response");
        String raw = parts.get(responseKey);
        if (raw == null || !AlipayRsa2.verifyText(raw, parts.get("sign"), alipayKey)) {
            String error = parts.getOrDefault(responseKey, parts.get("error_response"));
            throw new IllegalStateException("alipay " + method + " answer has no valid signature"
                    + (error == null ? "" : " (unverified: " + codes(error) + ")"));
        }
        try {
            return new Answer(json.readTree(raw), raw);
        } catch (IOException e) {
            throw new IllegalStateException("alipay " + method + " answer unreadable");
        }
    }

    /**
     * The raw text of the named top-level JSON objects, exactly as sent (the signature is over those bytes),
     * and the top-level {@code sign}. Empty for a body that is not a JSON object.
     */
    private Map<String, String> topLevelObjects(String body, String... names) {
        Map<String, String> found = new TreeMap<>();
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return found;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT && java.util.List.of(names).contains(name) && !found.containsKey(name)) {
                    int start = Math.toIntExact(parser.currentTokenLocation().getCharOffset());
                    parser.skipChildren();
                    int end = Math.toIntExact(parser.currentLocation().getCharOffset());
                    found.put(name, body.substring(start, end));
                } else if (value == JsonToken.VALUE_STRING && name.equals("sign")) {
                    found.put("sign", parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return found; // not JSON: nothing verifiable
        }
        return found;
    }

    private String codes(String raw) {
        try {
            JsonNode node = json.readTree(raw);
            return LogSafe.of(node.path("code").asText()) + " " + LogSafe.of(node.path("sub_code").asText());
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
