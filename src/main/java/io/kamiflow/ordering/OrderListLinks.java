package io.kamiflow.ordering;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * "Find my orders" by email alone: a random token, stored only as its SHA-256, opens the list of one address's orders
 * for {@link #VALID} (a table of its own, so it opens nothing else; in the database, so any node opens it). The list
 * shows no keys; each order opens with its own token ({@link AccessTokens}), which says nothing about another's.
 */
@Service
public class OrderListLinks {

    public static final Duration VALID = Duration.ofMinutes(30);
    /** More than a buyer reads; the list is newest first. */
    static final int MAX_ORDERS = 100;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final OrderRepository orders;

    OrderListLinks(JdbcClient jdbc, OrderRepository orders) {
        this.jdbc = jdbc;
        this.orders = orders;
    }

    /** The path that lists the orders, for links within the shop and (under the base URL) in the mail. */
    public static String path(String token) {
        return UriComponentsBuilder.fromPath("/my-orders").queryParam("token", token).encode().toUriString();
    }

    /**
     * A new link for {@code email}'s orders when it has any (empty otherwise: nothing to mail). Links that stopped
     * working are deleted on the way.
     */
    public Optional<String> create(String email) {
        String address = email.strip().toLowerCase(Locale.ROOT);
        deleteExpired();
        if (orders.search(null, address, 1).isEmpty()) {
            return Optional.empty();
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        jdbc.sql("INSERT INTO order_list_link (token_hash, email, expires_at) VALUES (?, ?, ?)")
                .params(hash(token), address, OffsetDateTime.ofInstant(Instant.now().plus(VALID), ZoneOffset.UTC)).update();
        return Optional.of(token);
    }

    /** The orders the token lists, newest first; empty when the token is unknown or no longer valid. */
    public Optional<List<Order>> orders(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT email FROM order_list_link WHERE token_hash = ? AND expires_at > ?")
                .params(hash(token), OffsetDateTime.now(ZoneOffset.UTC)).query(String.class).optional()
                .map(email -> orders.search(null, email, MAX_ORDERS));
    }

    /** The address is personal data: kept no longer than its link works (here, and every ten minutes on every node). */
    @Scheduled(initialDelay = 1, fixedDelay = 10, timeUnit = TimeUnit.MINUTES)
    void deleteExpired() {
        jdbc.sql("DELETE FROM order_list_link WHERE expires_at < ?").param(OffsetDateTime.now(ZoneOffset.UTC)).update();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
