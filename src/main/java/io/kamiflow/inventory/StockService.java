package io.kamiflow.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

@Service
public class StockService {

    public record Stock(long available, long reserved, long sold, long voided) {
        public static final Stock NONE = new Stock(0, 0, 0, 0);
    }

    private final JdbcClient jdbc;
    private final ScanFloors floors;

    StockService(JdbcClient jdbc, ScanFloors floors) {
        this.jdbc = jdbc;
        this.floors = floors;
    }

    /** The product's keys on sale, all of them (the storefront's level); ordered as KeyClaimer.COUNT_FROM_FLOOR says why. */
    static final String EXACT_COUNT = "SELECT count(*) FROM (SELECT 1 FROM card_key WHERE " + KeyClaimer.ON_SALE
            + " ORDER BY product_id, id) k";

    public long available(long productId) {
        return jdbc.sql(EXACT_COUNT).param("k_product", productId).query(Long.class).single();
    }

    /**
     * Keys on sale, counted only up to {@code limit}: exact below it, {@code limit} at or above it. What checkout
     * and the low-stock check ask ("at least n?"), without counting the whole stock of a product on every order. From
     * the product's floor once this node knows it, as the checkout counts ({@link ScanFloors}).
     */
    public long availableUpTo(long productId, long limit) {
        long floor = floors.of(productId); // 0 on H2, where no floor is kept
        long available = jdbc.sql(floor > 0 ? KeyClaimer.COUNT_FROM_FLOOR : KeyClaimer.COUNT_FROM_LOWEST)
                .param("k_product", productId).param("k_count_limit", limit).param("k_floor", floor)
                .query(Long.class).single();
        floors.counted(productId, floor, available, limit);
        return available;
    }

    private static final String COUNTS = """
            count(CASE WHEN status = 'AVAILABLE' THEN 1 END) AS available,
            count(CASE WHEN status = 'RESERVED' THEN 1 END) AS reserved,
            count(CASE WHEN status = 'SOLD' THEN 1 END) AS sold,
            count(CASE WHEN status = 'VOID' THEN 1 END) AS voided""";

    public Stock stock(long productId) {
        return jdbc.sql("SELECT " + COUNTS + " FROM card_key WHERE product_id = ?")
                .param(productId)
                .query((rs, row) -> counts(rs))
                .single();
    }

    /** Exact counts of every product that has keys, in one pass over the keys (a product without keys is absent). */
    public Map<Long, Stock> stockByProduct() {
        return jdbc.sql("SELECT product_id, " + COUNTS + " FROM card_key GROUP BY product_id")
                .query((rs, row) -> Map.entry(rs.getLong("product_id"), counts(rs))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Stock counts(ResultSet rs) throws SQLException {
        return new Stock(rs.getLong("available"), rs.getLong("reserved"), rs.getLong("sold"), rs.getLong("voided"));
    }
}
