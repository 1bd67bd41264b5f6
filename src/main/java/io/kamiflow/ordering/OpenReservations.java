package io.kamiflow.ordering;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.db.KeyedLocks;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.StockSettings;
import io.kamiflow.security.ratelimit.ExemptAddresses;
import io.kamiflow.security.ratelimit.RateLimitProperties;
import io.kamiflow.web.Problems;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Caps unpaid orders holding reserved keys per buyer email and per client address: emails are free, addresses are
 * not. The key's lock ({@code KeyedLocks}), held to the end of the checkout transaction, serializes its checkouts so
 * the cap holds under concurrency. Exempt addresses (loopback by default) are not capped.
 */
@Component
class OpenReservations {

    /** The condition of the per-buyer cap: the buyer's orders, by email (lower case), named alike in both statements. */
    static final String EMAIL = "lower(o.buyer_email) = :b_email";
    /** The condition of the per-address cap: the orders from the client address. */
    static final String ADDRESS = "o.client_address = :a_address";

    private record Held(int count, Instant firstExpiry) {
        static Held of(int count, Timestamp firstExpiry) {
            return new Held(count, firstExpiry == null ? null : firstExpiry.toInstant());
        }

        /** When the earliest of them is released by expiry (at least a second from now). */
        Duration retryAfter() {
            return firstExpiry == null ? Duration.ofMinutes(1) : Duration.between(Instant.now(), firstExpiry);
        }
    }

    private final JdbcClient jdbc;
    private final KeyedLocks keyedLocks;
    private final RateLimitProperties limits;
    private final StockSettings stockSettings;
    private final ExemptAddresses exempt;

    OpenReservations(JdbcClient jdbc, KeyedLocks keyedLocks, RateLimitProperties limits, StockSettings stockSettings,
                     ExemptAddresses exempt) {
        this.jdbc = jdbc;
        this.keyedLocks = keyedLocks;
        this.limits = limits;
        this.stockSettings = stockSettings;
        this.exempt = exempt;
    }

    void holdBuyerLock(String email) {
        lockBuyer(email);
        refuseAtCap("email", held(EMAIL, Map.of("b_email", email.toLowerCase(Locale.ROOT))),
                stockSettings.getMaxOpenReservationsPerBuyer());
    }

    /**
     * The buyer's lock only, its cap counted by the order's own statement ({@link #buyerCap}): PostgreSQL's checkout in
     * one statement. The count must come in a later statement than the lock: a statement's snapshot is taken as it
     * starts, before it waits for the lock, and would miss the previous holder's order.
     */
    void lockBuyer(String email) {
        keyedLocks.hold("buyer_lock", "email", email.toLowerCase(Locale.ROOT));
    }

    /** The buyer's cap for {@link KeyClaimer#insertAndReserve}: no order while it is reached. */
    static final KeyClaimer.Checks BUYER_CAP = new KeyClaimer.Checks(
            ", buyer_held AS (" + countOf(EMAIL) + ")",
            " AND (SELECT orders FROM buyer_held) < :b_cap",
            Map.of("b_orders", "(SELECT orders FROM buyer_held)",
                    "b_first_expiry", "(SELECT first_expiry FROM buyer_held)"));

    /** {@link #BUYER_CAP}'s parameters for this buyer. */
    Map<String, Object> buyerCap(String email) {
        return Map.of("b_email", email.toLowerCase(Locale.ROOT),
                "b_cap", stockSettings.getMaxOpenReservationsPerBuyer());
    }

    /** Refuses (429) as {@link #holdBuyerLock} does when the statement of {@link #BUYER_CAP} counted the cap reached. */
    void refuseOverBuyerCap(Map<String, Object> checked) {
        refuseAtCap("email", Held.of(((Number) checked.get("b_orders")).intValue(),
                (Timestamp) checked.get("b_first_expiry")), stockSettings.getMaxOpenReservationsPerBuyer());
    }

    /** Always after the buyer lock: one lock order, no deadlock. */
    void holdAddressLock(String address) {
        if (address == null || exempt.isExempt(address)) {
            return;
        }
        keyedLocks.hold("address_lock", "address", address);
        refuseAtCap("address", held(ADDRESS, Map.of("a_address", address)), limits.getMaxOpenReservationsPerAddress());
    }

    /** Refuses (429) when the key (its lock's column, "email" or "address", names it in the answer) holds {@code cap}. */
    private static void refuseAtCap(String column, Held held, int cap) {
        if (held.count() >= cap) {
            throw Problems.tooManyRequests("this " + column + " already holds " + held.count()
                    + " unpaid orders with reserved keys; pay or let them expire first", held.retryAfter());
        }
    }

    /**
     * Unpaid orders matching the condition on customer_order o that hold RESERVED keys. The keys' status is a filter,
     * not a join condition: the keys are then found by their order (ix_card_key_order), never by scanning every
     * reserved key in the shop, which stale statistics in a flash sale (reserved keys "rare") led the planner to do.
     */
    private Held held(String condition, Map<String, ?> params) {
        return jdbc.sql(countOf(condition))
                .params(params)
                .query((rs, n) -> Held.of(rs.getInt("orders"), rs.getTimestamp("first_expiry")))
                .single();
    }

    /**
     * The count's statement. "(status = 'PENDING_PAYMENT') IS TRUE" is the predicate of the two indexes made for it
     * (V37) and of no other: with a plain "status = 'PENDING_PAYMENT'" every index of unpaid orders qualified, and in a
     * flash sale, whose statistics still knew no unpaid order, the planner read all of them through ix_order_unsettled
     * (estimated at one row) to find one buyer's (perf/pg-statements.sh with auto_explain: 125 blocks a checkout at
     * 1,000 unpaid orders, growing with them). Now only the email's or the address's index, or the full email index,
     * can serve it.
     */
    static String countOf(String condition) {
        return """
                SELECT count(DISTINCT o.id) FILTER (WHERE k.status = 'RESERVED') AS orders,
                       min(k.reserved_until) FILTER (WHERE k.status = 'RESERVED') AS first_expiry
                FROM customer_order o JOIN card_key k ON k.order_id = o.id
                WHERE %s AND (o.status = 'PENDING_PAYMENT') IS TRUE""".formatted(condition);
    }
}
