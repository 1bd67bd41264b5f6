package io.kamiflow.gateway.sandbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.payment.GatewayHttp;
import io.kamiflow.payment.GatewayTrade;
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
 * <p>
 * The ledger also lists its paid trades in a window (a bill download): a signed {@code GET <query-url>/trades?from&to
 * &timestamp&sign} (epoch seconds), answered by signed form fields {@code from, to, count, trade.<i>.tradeNo,
 * .orderNo, .amount, .currency, .paidAt} (epoch seconds), {@code timestamp, sign}; refused the same way, and also
 * when it echoes another window or a count that does not match its trades.
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

    List<GatewayTrade> paidTrades(Instant from, Instant to) {
        Map<String, String> ask = new LinkedHashMap<>();
        ask.put("from", Long.toString(from.getEpochSecond()));
        ask.put("to", Long.toString(to.getEpochSecond()));
        ask.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        ask.put("sign", SandboxSignature.sign(ask, properties.secret()));
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(properties.queryUrl()).path("/trades");
        ask.forEach((name, value) -> uri.queryParam(name, UriUtils.encode(value, StandardCharsets.UTF_8)));
        String body = http.get().uri(URI.create(uri.build(true).toUriString())).retrieve().body(String.class);
        Map<String, String> answer = parse(body == null ? "" : body);
        if (!SandboxSignature.verify(answer, answer.get("sign"), properties.secret())) {
            throw new IllegalStateException("the sandbox trade list is not signed");
        }
        if (!ask.get("from").equals(answer.get("from")) || !ask.get("to").equals(answer.get("to"))) {
            throw new IllegalStateException("the sandbox trade list is about another window");
        }
        long timestamp = Long.parseLong(answer.getOrDefault("timestamp", "0"));
        if (Math.abs(Instant.now().getEpochSecond() - timestamp) > properties.toleranceSeconds()) {
            throw new IllegalStateException("the sandbox trade list is stale");
        }
        int count = Integer.parseInt(answer.getOrDefault("count", "-1"));
        List<GatewayTrade> trades = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String p = "trade." + i + ".";
            if (!answer.containsKey(p + "tradeNo") || !answer.containsKey(p + "orderNo")) {
                throw new IllegalStateException("the sandbox trade list lacks trade " + i + " of " + count);
            }
            trades.add(new GatewayTrade(answer.get(p + "tradeNo"), answer.get(p + "orderNo"),
                    Money.parse(answer.get(p + "amount"), answer.get(p + "currency")),
                    Instant.ofEpochSecond(Long.parseLong(answer.get(p + "paidAt")))));
        }
        if (count < 0 || answer.containsKey("trade." + count + ".tradeNo")) {
            throw new IllegalStateException("the sandbox trade list's count does not match its trades");
        }
        return trades;
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
