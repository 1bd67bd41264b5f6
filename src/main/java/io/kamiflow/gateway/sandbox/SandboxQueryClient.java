package io.kamiflow.gateway.sandbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.payment.GatewayHttp;
import io.kamiflow.payment.GatewayTimeouts;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Asks a sandbox gateway that keeps its ledger outside kamiflow's database ({@code kamiflow.payment.sandbox.query-url},
 * e.g. the drills' driver) about an order's trade, as a real gateway's trade query would be asked: a signed
 * {@code GET ?orderNo&timestamp&sign}, answered by signed form fields {@code orderNo, status (PAID or NOT_PAID),
 * tradeNo, amount, currency, timestamp, sign}. An answer that is unsigned, for another order or stale is refused
 * (thrown), so compensation asks again next cycle. The point: a ledger in our own database is restored with it, so
 * after a restore it forgets the payments the backup lacks, exactly the ones compensation must find.
 */
@Component
class SandboxQueryClient {

    private final SandboxProperties properties;
    private final RestClient http;

    SandboxQueryClient(SandboxProperties properties, GatewayTimeouts timeouts) {
        this.properties = properties;
        this.http = GatewayHttp.restClient(timeouts);
    }

    Optional<SandboxGateway.Trade> paidTradeFor(String orderNo) {
        Map<String, String> ask = new LinkedHashMap<>();
        ask.put("orderNo", orderNo);
        ask.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        ask.put("sign", SandboxSignature.sign(ask, properties.secret()));
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(properties.queryUrl());
        ask.forEach((name, value) -> uri.queryParam(name, UriUtils.encode(value, StandardCharsets.UTF_8)));
        String body = http.get().uri(URI.create(uri.build(true).toUriString())).retrieve().body(String.class);
        Map<String, String> answer = parse(body == null ? "" : body);
        if (!SandboxSignature.verify(answer, answer.get("sign"), properties.secret())) {
            throw new IllegalStateException("the sandbox query answer for order " + orderNo + " is not signed");
        }
        if (!orderNo.equals(answer.get("orderNo"))) {
            throw new IllegalStateException("the sandbox query answer is about another order");
        }
        long timestamp = Long.parseLong(answer.getOrDefault("timestamp", "0"));
        if (Math.abs(Instant.now().getEpochSecond() - timestamp) > properties.toleranceSeconds()) {
            throw new IllegalStateException("the sandbox query answer for order " + orderNo + " is stale");
        }
        if (!"PAID".equals(answer.get("status"))) {
            return Optional.empty();
        }
        return Optional.of(new SandboxGateway.Trade(answer.get("tradeNo"), orderNo,
                Money.parse(answer.get("amount"), answer.get("currency")), "PAID"));
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(UriUtils.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        UriUtils.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
