package io.kamiflow.gateway.stripe;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;

/**
 * The parts of the Stripe API kamiflow calls, on {@link FakeGateway}: Checkout Sessions, Refunds (replaying the
 * stored answer for a repeated Idempotency-Key, refusing a second refund of a refunded PaymentIntent as Stripe
 * does) and the PaymentIntent search. Every call must carry the secret key as bearer token.
 */
public final class FakeStripe {

    static final String SESSIONS = "/stripe/v1/checkout/sessions";
    static final String REFUNDS = "/stripe/v1/refunds";
    static final String SEARCH = "/stripe/v1/payment_intents/search";

    /** Refunds by idempotency key, as Stripe stores the first answer. */
    private final Map<String, Map<String, Object>> refundsByKey = new ConcurrentHashMap<>();
    /** Refunds by PaymentIntent. */
    private final Map<String, Map<String, Object>> refundsByIntent = new ConcurrentHashMap<>();
    /** Succeeded PaymentIntents by order no. */
    private final Map<String, Map<String, Object>> paidIntents = new ConcurrentHashMap<>();
    /** Checkout Session status (open, complete, expired) by id. */
    private final Map<String, String> sessionStatus = new ConcurrentHashMap<>();
    private volatile String refuseWith;
    private volatile CountDownLatch reached;
    private volatile CountDownLatch release;
    private volatile CountDownLatch retrievalsReached;
    private volatile CountDownLatch retrievalsRelease;
    private volatile String createdStatus = "succeeded";
    private int counter;

    private FakeStripe() {
    }

    public static FakeStripe install() {
        FakeStripe stripe = new FakeStripe();
        FakeGateway.on("POST", SESSIONS, request -> stripe.authorized(request) ? json(200, Map.of("id", "cs_test_" + stripe.next(),
                "object", "checkout.session", "url", "https://checkout.stripe.com/c/pay/cs", "payment_status", "unpaid"))
                : unauthorized());
        FakeGateway.on("POST", REFUNDS, request -> {
            stripe.holdIfAsked();
            return stripe.refund(request);
        });
        // GET /v1/refunds/{id} is registered per refund as it is created
        FakeGateway.on("GET", "/stripe/v1/refunds", stripe::listRefunds);
        FakeGateway.on("GET", SEARCH, stripe::search);
        return stripe;
    }

    /**
     * The Checkout Session of an order: open until expired through the API, or complete once paid. Expiring a
     * session that is not open is refused as Stripe does; its state can be retrieved.
     */
    public void session(String sessionId, String status) {
        sessionStatus.put(sessionId, status);
        FakeGateway.on("POST", SESSIONS + "/" + sessionId + "/expire", request -> {
            if (!authorized(request)) {
                return unauthorized();
            }
            if (!"open".equals(sessionStatus.get(sessionId))) {
                return error(400, "invalid_request_error", "checkout_session_not_open");
            }
            sessionStatus.put(sessionId, "expired");
            return json(200, sessionObject(sessionId));
        });
        FakeGateway.on("GET", SESSIONS + "/" + sessionId, request -> authorized(request)
                ? json(200, sessionObject(sessionId)) : unauthorized());
    }

    public String sessionStatus(String sessionId) {
        return sessionStatus.get(sessionId);
    }

    public static List<FakeGateway.Request> expireRequests() {
        return FakeGateway.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/expire")).toList();
    }

    private Map<String, Object> sessionObject(String sessionId) {
        String status = sessionStatus.get(sessionId);
        return Map.of("id", sessionId, "object", "checkout.session", "status", status,
                "payment_status", "complete".equals(status) ? "paid" : "unpaid");
    }

    /**
     * Refund requests hang from now on: each one counts {@code reached} down and is answered only once
     * {@code release} is (or after 30 s), the way a gateway that stopped answering keeps the caller waiting.
     */
    public void holdRefunds(CountDownLatch reached, CountDownLatch release) {
        this.reached = reached;
        this.release = release;
    }

    /** Retrieving a refund hangs from now on, as {@link #holdRefunds} makes creating one hang. */
    public void holdRetrievals(CountDownLatch reached, CountDownLatch release) {
        this.retrievalsReached = reached;
        this.retrievalsRelease = release;
    }

    private void holdIfAsked() throws InterruptedException {
        hold(reached, release);
    }

    private static void hold(CountDownLatch reached, CountDownLatch release) throws InterruptedException {
        if (release != null) {
            reached.countDown();
            release.await(30, TimeUnit.SECONDS);
        }
    }

    /** Refunds are refused from now on, with Stripe's error code (e.g. "insufficient_funds"). */
    public void refuseRefunds(String code) {
        refuseWith = code;
    }

    public void acceptRefunds() {
        refuseWith = null;
    }

    /** New refunds are answered in this status ("succeeded" by default; e.g. "pending" for slow payment methods). */
    public void answerRefundsWith(String status) {
        createdStatus = status;
    }

    /** Stripe settled the refund: retrieving it answers this status from now on (succeeded, failed, canceled). */
    public void settleRefund(String refundId, String status) {
        refundsByIntent.values().stream().filter(r -> r.get("id").equals(refundId)).forEach(r -> r.put("status", status));
    }

    public static List<FakeGateway.Request> refundRetrievals() {
        return FakeGateway.requests().stream().filter(r -> r.method().equals("GET") && r.path().startsWith(REFUNDS + "/"))
                .toList();
    }

    /** The buyer paid the order: a succeeded PaymentIntent tagged with its order no exists. */
    public void paid(String orderNo, String paymentIntent, long amount) {
        Map<String, Object> intent = StripeEventsFixture.paymentIntent(orderNo, paymentIntent, amount);
        paidIntents.put(orderNo, intent);
    }

    /** A refund made outside kamiflow (the dashboard), under no kamiflow idempotency key. */
    public void refundedInDashboard(String paymentIntent, long amount) {
        refundsByIntent.put(paymentIntent, refundObject("re_dashboard_" + next(), paymentIntent, amount));
    }

    public static List<FakeGateway.Request> refundRequests() {
        return FakeGateway.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals(REFUNDS)).toList();
    }

    static Map<String, String> form(FakeGateway.Request request) {
        if (request.body().isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(request.body().split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
    }

    private synchronized FakeGateway.Reply refund(FakeGateway.Request request) {
        if (!authorized(request)) {
            return unauthorized();
        }
        String key = request.headers().get("Idempotency-Key");
        if (key != null && refundsByKey.containsKey(key)) {
            return json(200, refundsByKey.get(key)); // Stripe replays the first answer
        }
        if (refuseWith != null) {
            return error(402, "card_error", refuseWith);
        }
        Map<String, String> form = form(request);
        String intent = form.get("payment_intent");
        if (intent == null) {
            return error(400, "invalid_request_error", "parameter_missing");
        }
        if (refundsByIntent.containsKey(intent)) {
            return error(400, "invalid_request_error", "charge_already_refunded");
        }
        Map<String, Object> refund = refundObject("re_test_" + next(), intent, Long.parseLong(form.get("amount")));
        refund.put("status", createdStatus);
        refundsByIntent.put(intent, refund);
        FakeGateway.on("GET", REFUNDS + "/" + refund.get("id"), retrieve -> {
            hold(retrievalsReached, retrievalsRelease);
            return authorized(retrieve) ? json(200, refund) : unauthorized();
        });
        if (key != null) {
            refundsByKey.put(key, refund);
        }
        return json(200, refund);
    }

    private FakeGateway.Reply listRefunds(FakeGateway.Request request) {
        if (!authorized(request)) {
            return unauthorized();
        }
        String intent = query(request).get("payment_intent");
        Map<String, Object> refund = refundsByIntent.get(intent);
        return json(200, Map.of("object", "list", "url", "/v1/refunds", "has_more", false,
                "data", refund == null ? List.of() : List.of(refund)));
    }

    private FakeGateway.Reply search(FakeGateway.Request request) {
        if (!authorized(request)) {
            return unauthorized();
        }
        String query = query(request).getOrDefault("query", "");
        List<Map<String, Object>> found = paidIntents.entrySet().stream()
                .filter(e -> query.contains("metadata['orderNo']:'" + e.getKey() + "'") && query.contains("status:'succeeded'"))
                .map(Map.Entry::getValue).toList();
        return json(200, Map.of("object", "search_result", "url", "/v1/payment_intents/search", "has_more", false,
                "data", found));
    }

    private static Map<String, String> query(FakeGateway.Request request) {
        return request.query() == null ? Map.of() : form(new FakeGateway.Request("GET", request.path(), null, Map.of(), request.query()));
    }

    private static Map<String, Object> refundObject(String id, String intent, long amount) {
        Map<String, Object> refund = new LinkedHashMap<>();
        refund.put("id", id);
        refund.put("object", "refund");
        refund.put("amount", amount);
        refund.put("currency", "cny");
        refund.put("payment_intent", intent);
        refund.put("status", "succeeded");
        return refund;
    }

    private boolean authorized(FakeGateway.Request request) {
        return ("Bearer " + TestGatewayKeys.STRIPE_API_KEY).equals(request.headers().get("Authorization"));
    }

    private synchronized int next() {
        return ++counter;
    }

    private static FakeGateway.Reply unauthorized() {
        return error(401, "invalid_request_error", "api_key_invalid");
    }

    private static FakeGateway.Reply error(int status, String type, String code) {
        return json(status, Map.of("error", Map.of("type", type, "code", code, "message", "fake stripe: " + code)));
    }

    private static FakeGateway.Reply json(int status, Object body) {
        return new FakeGateway.Reply(status, Map.of("Content-Type", "application/json", "Request-Id", "req_fake"),
                ShopClient.json(body));
    }
}
