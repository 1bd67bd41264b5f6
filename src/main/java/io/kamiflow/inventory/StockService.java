package io.kamiflow.inventory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

@Service
public class StockService {

    public record Stock(long available, long reserved, long sold, long voided) {
    }

    private final JdbcClient jdbc;

    StockService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long available(long productId) {
        return jdbc.sql("SELECT count(*) FROM card_key WHERE product_id = ? AND status = 'AVAILABLE'")
                .param(productId).query(Long.class).single();
    }

    /**
     * Keys on sale, counted only up to {@code limit}: exact below it, {@code limit} at or above it. What checkout
     * and the low-stock check ask ("at least n?"), without counting the whole stock of a product on every order.
     */
    public long availableUpTo(long productId, long limit) {
        return jdbc.sql("""
                SELECT count(*) FROM (SELECT 1 FROM card_key WHERE product_id = ? AND status = 'AVAILABLE' LIMIT ?) k""")
                .params(productId, limit).query(Long.class).single();
    }

    public Stock stock(long productId) {
        return jdbc.sql("""
                SELECT count(CASE WHEN status = 'AVAILABLE' THEN 1 END) AS available,
                       count(CASE WHEN status = 'RESERVED' THEN 1 END) AS reserved,
                       count(CASE WHEN status = 'SOLD' THEN 1 END) AS sold,
                       count(CASE WHEN status = 'VOID' THEN 1 END) AS voided
                FROM card_key WHERE product_id = ?""")
                .param(productId)
                .query((rs, row) -> new Stock(rs.getLong("available"), rs.getLong("reserved"), rs.getLong("sold"),
                        rs.getLong("voided")))
                .single();
    }
}
