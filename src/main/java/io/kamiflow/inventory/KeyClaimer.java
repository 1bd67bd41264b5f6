package io.kamiflow.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sets keys aside for orders inside the caller's transaction. Rows other transactions hold are
 * skipped rather than waited for ({@code FOR UPDATE SKIP LOCKED}), so concurrent orders never block
 * on each other and never get the same key. Every operation is all or nothing.
 * <p>
 * On PostgreSQL an order takes the lowest available keys of its stripe of the product ({@code id % 16}, V35's index;
 * {@link #stripeOf}) and only when that stripe is short the product's lowest, so concurrent buyers of one product
 * start at 16 places instead of all walking over the same keys in flight (docs/capacity.md). Keys are therefore not
 * sold in import order. H2, the embedded default, takes the product's lowest keys.
 * <p>
 * The counts and picks on PostgreSQL start at the product's {@link ScanFloors floor}, above the keys this node saw
 * taken, rather than at its lowest id; short of keys there, they look again from the lowest.
 */
@Service
public class KeyClaimer {

    /**
     * The stripe an order takes its keys from first, 0 to 15: its id spread by Fibonacci hashing (the top 4 bits of
     * id times 2^64 / golden ratio), so consecutive order ids, or every other one, spread over the 16 stripes.
     */
    static int stripeOf(long orderId) {
        return (int) ((orderId * 0x9E3779B97F4A7C15L) >>> 60);
    }

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final StockLevels levels;

    private final io.kamiflow.db.SqlDialect dialect;
    private final ScanFloors floors;

    KeyClaimer(JdbcClient jdbc, ApplicationEventPublisher events, StockLevels levels, io.kamiflow.db.SqlDialect dialect,
            ScanFloors floors) {
        this.jdbc = jdbc;
        this.floors = floors;
        this.events = events;
        this.levels = levels;
        this.dialect = dialect;
    }

    /** Checkout in on-checkout mode: reserve {@code quantity} keys until {@code until}; false (nothing changed) when short. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean reserve(long orderId, long productId, int quantity, Instant until) {
        if (dialect.postgres()) {
            // one statement: the order's stripe from the floor; more only when that is short (the product's last keys)
            boolean reserved = reserveInStripe(orderId, productId, quantity, until, floors.of(productId))
                    || reserveFrom(WHOLE_PRODUCT, 0, orderId, productId, quantity, until) > 0;
            if (reserved) {
                levels.changed(productId, -quantity);
            }
            return reserved;
        }
        List<Long> ids = lockAvailable(orderId, productId, quantity);
        if (ids.size() < quantity) {
            return false;
        }
        jdbc.sql("UPDATE card_key SET status = 'RESERVED', order_id = :order, reserved_until = :until WHERE id IN (:ids)")
                .param("order", orderId).param("until", java.sql.Timestamp.from(until)).param("ids", ids).update();
        levels.changed(productId, -quantity);
        return true;
    }

    /**
     * A new order's insert for {@link #insertAndReserve}: {@code insertSelect} is "INSERT INTO ... SELECT ..." without a
     * WHERE (the reservation adds it), {@code returning} its RETURNING clause (with {@code id}), {@code params} its
     * named parameters (none starting with "k_") and {@code rows} how a returned row is read.
     */
    public record NewOrder<T>(String insertSelect, String returning, Map<String, ?> params, RowMapper<T> rows) {
    }

    /**
     * What {@link #insertAndReserve} did. @param available keys on sale counted before, up to the count's limit
     * @param order the inserted order; null when fewer than the quantity were on sale (nothing was written)
     * @param reserved whether the order holds its keys; false (with the order inserted) when they were taken meanwhile:
     *                 the caller must then roll back
     */
    public record Reserved<T>(long available, T order, boolean reserved, Map<String, Object> checked) {
    }

    /**
     * What else {@link #insertAndReserve}'s statement checks, in its snapshot, before it inserts the order (the caller's
     * caps and the version its copy of the product was read at, one round trip less each): {@code ctes} further WITH
     * parts (", name AS (...)"), {@code condition} ANDed to the insert's WHERE (" AND ..."), {@code columns} the values
     * read back ({@link Reserved#checked}) by the names they are given. SQL only, the caller's constants (never request
     * input): their named parameters (none starting with "k_") come with each call, and the statement is written once
     * per set of checks.
     */
    public record Checks(String ctes, String condition, Map<String, String> columns) {
        /** Both: this one's parts first. */
        public Checks and(Checks other) {
            Map<String, String> both = new java.util.LinkedHashMap<>(columns);
            both.putAll(other.columns);
            return new Checks(ctes + other.ctes, condition + other.condition, java.util.Collections.unmodifiableMap(both));
        }

        private String select() {
            StringBuilder select = new StringBuilder();
            columns.forEach((name, expression) -> select.append(", ").append(expression).append(" AS ").append(name));
            return select.toString();
        }
    }

    /** {@link #insertAndReserve}'s statements as written, by their parts (all constants of the callers). */
    private final Map<List<Object>, String> statements = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * PostgreSQL, checkout in on-checkout mode, in one statement instead of three: counts the product's keys on sale
     * up to {@code countLimit}, inserts the order only when they reach {@code quantity}, and reserves that many of the
     * new order's stripe for it (what {@link #reserve} does first), from the product's floor once this node knows it.
     * When that is short, the stripe's lowest and then the product's are tried in further statements, as
     * {@link #reserve} does. A short count writes nothing: a sold-out product's refusals stay as cheap as the count
     * alone. The order is inserted only when {@code checks} hold too (given {@code checkParams}); their values come
     * back in {@link Reserved#checked} whether or not it was.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public <T> Reserved<T> insertAndReserve(NewOrder<T> order, Checks checks, Map<String, ?> checkParams, long productId,
                                            int quantity, long countLimit, Instant until) {
        if (!dialect.postgres()) {
            throw new IllegalStateException("insertAndReserve is PostgreSQL's; H2 inserts, then reserves");
        }
        record Row<T>(long available, long reserved, long lowest, long orderId, T order, Map<String, Object> checked) {
        }
        long floor = floors.of(productId);
        String template = floor > 0 ? INSERT_AND_RESERVE_FROM_FLOOR : INSERT_AND_RESERVE;
        String statement = statements.computeIfAbsent(List.of(template, order.insertSelect(), order.returning(), checks),
                parts -> template.formatted(checks.ctes(), order.insertSelect(), checks.condition(), order.returning(),
                        checks.select()));
        Row<T> row = jdbc.sql(statement)
                .params(order.params()).params(checkParams)
                .param("k_product", productId).param("k_quantity", quantity).param("k_count_limit", countLimit)
                .param("k_until", java.sql.Timestamp.from(until)).param("k_floor", floor)
                .query((rs, n) -> {
                    Map<String, Object> checked = new java.util.HashMap<>();
                    for (String name : checks.columns().keySet()) {
                        checked.put(name, rs.getObject(name));
                    }
                    return new Row<>(rs.getLong("k_available"), rs.getLong("k_reserved"), rs.getLong("k_lowest"),
                            rs.getLong("id"), rs.getObject("id") == null ? null : order.rows().mapRow(rs, n), checked);
                })
                .single();
        floors.counted(productId, floor, row.available(), countLimit);
        if (row.order() == null) {
            return new Reserved<>(row.available(), null, false, row.checked());
        }
        if (row.reserved() == quantity) {
            floors.took(productId, stripeOf(row.orderId()), row.lowest());
        }
        // the stripe was short from the floor: from its lowest, then the product's lowest, as reserve() does
        boolean reserved = row.reserved() == quantity
                || floor > 0 && reserveInStripe(row.orderId(), productId, quantity, until, 0)
                || reserveFrom(WHOLE_PRODUCT, 0, row.orderId(), productId, quantity, until) > 0;
        if (reserved) {
            levels.changed(productId, -quantity);
        }
        return new Reserved<>(row.available(), row.order(), reserved, row.checked());
    }

    /** What a claim did: whether the order holds its full quantity as SOLD now, and how many keys it took from stock. */
    public record Claimed(boolean done, int fromStock) {
    }

    /**
     * Claim keys: confirms the order's reservation and tops it up from available stock if it lapsed
     * (or there was none). @return true when the order holds its full quantity as SOLD afterwards;
     * false, with nothing changed, when stock is short.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean claim(long orderId, long productId, int quantity) {
        return claimKeys(orderId, productId, quantity).done();
    }

    /**
     * As {@link #claim}, telling also how many keys came from available stock: none when the reservation covered the
     * order, so its stock did not go down now (it did at checkout) and there is no low-stock check to make.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Claimed claimKeys(long orderId, long productId, int quantity) {
        // the order's keys sold (a replayed job, a resumed order) and reserved, in one statement
        record Held(long id, boolean sold) {
        }
        List<Held> held = jdbc.sql("""
                SELECT id, status FROM card_key WHERE order_id = ? AND status IN ('RESERVED', 'SOLD')
                ORDER BY id FOR UPDATE""").param(orderId)
                .query((rs, row) -> new Held(rs.getLong("id"), "SOLD".equals(rs.getString("status")))).list();
        int alreadySold = (int) held.stream().filter(Held::sold).count();
        if (alreadySold >= quantity) {
            return new Claimed(true, 0);
        }
        List<Long> reserved = held.stream().filter(key -> !key.sold()).map(Held::id).toList();
        int missing = quantity - alreadySold - reserved.size();
        List<Long> fresh = missing > 0 ? lockAvailable(orderId, productId, missing) : List.of();
        if (fresh.size() < missing) {
            return new Claimed(false, 0); // all or nothing: the locks go with the transaction, no row was changed
        }
        List<Long> ids = new java.util.ArrayList<>(reserved.subList(0, Math.min(reserved.size(), quantity - alreadySold)));
        ids.addAll(fresh);
        int updated = jdbc.sql("""
                UPDATE card_key SET status = 'SOLD', order_id = :order, sold_at = CURRENT_TIMESTAMP, reserved_until = NULL
                WHERE id IN (:ids) AND status IN ('AVAILABLE', 'RESERVED')""")
                .param("order", orderId).param("ids", ids).update();
        if (updated != ids.size()) {
            throw new IllegalStateException("claimed " + updated + " of " + ids.size() + " locked keys for order id " + orderId);
        }
        if (!fresh.isEmpty()) { // a reservation turning sold leaves the count on sale as it was
            levels.changed(productId, -fresh.size());
        }
        return new Claimed(true, fresh.size());
    }

    /**
     * Returns reserved or sold keys of orders to stock, unless they were ever revealed. Keys back in stock are new stock
     * for parked orders too: the same event as an import wakes them after the commit.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int release(List<Long> orderIds) {
        if (orderIds.isEmpty()) {
            return 0;
        }
        record Returned(long productId, String sku, int keys) {
        }
        List<Returned> returned = jdbc.sql("""
                SELECT k.product_id, p.sku, count(*) AS keys FROM card_key k JOIN product p ON p.id = k.product_id
                WHERE k.order_id IN (:orders) AND k.status IN ('RESERVED', 'SOLD') AND k.revealed_at IS NULL
                GROUP BY k.product_id, p.sku""")
                .param("orders", orderIds)
                .query((rs, row) -> new Returned(rs.getLong("product_id"), rs.getString("sku"), rs.getInt("keys")))
                .list();
        int released = jdbc.sql("""
                UPDATE card_key SET status = 'AVAILABLE', order_id = NULL, reserved_until = NULL, sold_at = NULL
                WHERE order_id IN (:orders) AND status IN ('RESERVED', 'SOLD') AND revealed_at IS NULL""")
                .param("orders", orderIds).update();
        // the count read before the update is the one on sale unless a key was revealed in between: then it is not known
        boolean counted = returned.stream().mapToInt(Returned::keys).sum() == released;
        for (Returned back : returned) {
            floors.forget(back.productId());
            if (counted) {
                levels.changed(back.productId(), back.keys());
            } else {
                levels.changed(back.productId());
            }
            events.publishEvent(new StockAdded(back.productId(), back.sku(), back.keys()));
        }
        return released;
    }

    /**
     * A refunded order gives its keys up: keys ever revealed (page, mail attempt, by hand) become VOID, the
     * others return to stock. The order's key rows are locked first, so a reveal cannot slip in between.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void settleRefund(long orderId) {
        jdbc.sql("SELECT id FROM card_key WHERE order_id = ? FOR UPDATE").param(orderId).query(Long.class).list();
        jdbc.sql("UPDATE card_key SET status = 'VOID' WHERE order_id = ? AND status = 'SOLD' AND revealed_at IS NOT NULL")
                .param(orderId).update();
        release(List.of(orderId));
    }

    public int soldTo(long orderId) {
        return jdbc.sql("SELECT count(*) FROM card_key WHERE order_id = ? AND status = 'SOLD'")
                .param(orderId).query(Integer.class).single();
    }

    /**
     * Locks {@code count} available keys of the product for the order (fewer when short): on PostgreSQL the lowest of
     * the order's stripe, or, when that stripe has too few that no one else holds, the product's lowest (the same
     * statement as on H2). The keys the first look locked stay locked until the transaction ends, used or not.
     */
    private List<Long> lockAvailable(long orderId, long productId, int count) {
        if (dialect.postgres()) {
            long floor = floors.of(productId);
            List<Long> striped = lock(floor > 0 ? STRIPE_FROM_FLOOR : STRIPE_FIRST, floor, orderId, productId, count);
            if (striped.size() < count && floor > 0) {
                striped = lock(STRIPE_FIRST, 0, orderId, productId, count); // finds the ones locked above again too
            }
            if (striped.size() == count) {
                floors.took(productId, stripeOf(orderId), striped.get(0));
                return striped;
            }
        }
        return lock(WHOLE_PRODUCT, 0, orderId, productId, count);
    }

    /** The ids one of the pick statements below locks (the same ones {@link #reserveFrom} takes), lowest first. */
    private List<Long> lock(String picked, long floor, long orderId, long productId, int count) {
        return jdbc.sql(picked).param("product", productId).param("stripe", (long) stripeOf(orderId))
                .param("floor", floor).param("quantity", count).query(Long.class).list();
    }

    /** {@link #reserveFrom} in the order's stripe from {@code floor}, and again from its lowest when short there. */
    private boolean reserveInStripe(long orderId, long productId, int quantity, Instant until, long floor) {
        long lowest = reserveFrom(floor > 0 ? STRIPE_FROM_FLOOR : STRIPE_FIRST, floor, orderId, productId, quantity, until);
        if (lowest == 0 && floor > 0) {
            lowest = reserveFrom(STRIPE_FIRST, 0, orderId, productId, quantity, until);
        }
        if (lowest > 0) {
            floors.took(productId, stripeOf(orderId), lowest);
        }
        return lowest > 0;
    }

    /**
     * PostgreSQL's reservation in one statement: lock the lowest available keys (of the order's stripe from
     * {@code floor}, or of the whole product), reserve them only if all were there.
     * @return the lowest key reserved, 0 when nothing was (fewer than {@code quantity} there)
     */
    private long reserveFrom(String picked, long floor, long orderId, long productId, int quantity, Instant until) {
        return jdbc.sql("WITH picked AS (" + picked + """
                ), reserved AS (
                UPDATE card_key k SET status = 'RESERVED', order_id = :order, reserved_until = :until FROM picked
                WHERE k.id = picked.id AND (SELECT count(*) FROM picked) = :quantity RETURNING k.id
                )
                SELECT coalesce(min(id), 0) FROM reserved""")
                .param("product", productId).param("stripe", (long) stripeOf(orderId)).param("floor", floor)
                .param("quantity", quantity).param("order", orderId).param("until", java.sql.Timestamp.from(until))
                .query(Long.class).single();
    }

    /** The product's keys on sale, for a count ordered by (product_id, id): see {@link #COUNT_FROM_FLOOR}. */
    static final String ON_SALE = "product_id BETWEEN :k_product AND :k_product AND status = 'AVAILABLE'";

    /**
     * The product's keys on sale up to {@code k_count_limit}, as a count from the lowest would say: from the floor, and
     * from the lowest only when that stays below the limit (an InitPlan, run only when the CASE reaches it). Only with a
     * floor: a product's lowest, {@code id >= 0}, let the planner walk the primary key (ScanFloorTest).
     * <p>
     * Every count of keys on sale names the product as a range ({@link #ON_SALE}) and is ordered by (product_id, id),
     * which only V2's index ({@code product_id, id} of the keys on sale) gives: the floor bounds its walk, and a taken
     * key's entry, marked dead the first time a scan reads it, is skipped from then on. With {@code product_id = :p}
     * the planner takes the order for "by id", which the primary key gives too: on statistics from before a sale, which
     * think every key still on sale, it walked the primary key through every key above the product's lowest (or a
     * sequential scan or a bitmap over all the product's keys without the order), on every refused checkout of a
     * sold-out product: 100-400 ms each with 50,000 keys sold (perf/taken-keys.sh).
     */
    static final String COUNT_FROM_FLOOR = """
            SELECT CASE WHEN above.n >= :k_count_limit THEN above.n
                ELSE (SELECT count(*) FROM (SELECT 1 FROM card_key WHERE %1$s
                    ORDER BY product_id, id LIMIT :k_count_limit) k) END AS available
            FROM (SELECT count(*) AS n FROM (SELECT 1 FROM card_key WHERE %1$s AND id >= :k_floor
                ORDER BY product_id, id LIMIT :k_count_limit) k
            ) above""".formatted(ON_SALE);
    /** The count while this node knows no floor of the product. */
    static final String COUNT_FROM_LOWEST = """
            SELECT count(*) AS available FROM (SELECT 1 FROM card_key WHERE %s
                ORDER BY product_id, id LIMIT :k_count_limit) k""".formatted(ON_SALE);

    /**
     * {@link #insertAndReserve}'s statement: the count, the order's insert (only when the count reaches the quantity),
     * its stripe's keys locked and reserved (only for an inserted order: the stripe of no order is NULL). The stripe is
     * {@link #stripeOf} of the new id in numeric arithmetic (a bigint product would overflow), cast back to bigint so
     * V35's index serves it. The parts of a WITH share one snapshot; the keys' foreign key to the new order is checked
     * at the statement's end, when the order is there. Counted and picked from the lowest, or from the floor.
     */
    private static String insertAndReserve(String count, String fromFloor) {
        return "WITH counted AS (" + count + """
                )%1$s, o AS (
                    %2$s
                    WHERE (SELECT available FROM counted) >= :k_quantity%3$s
                    %4$s
                ), picked AS (
                    SELECT id FROM card_key WHERE product_id = :k_product AND status = 'AVAILABLE'""" + fromFloor + """

                        AND id %% 16 = (SELECT div((id::numeric * 11400714819323198485) %% 18446744073709551616,
                                                  1152921504606846976)::bigint FROM o)
                    ORDER BY id LIMIT :k_quantity FOR UPDATE SKIP LOCKED
                ), reserved AS (
                    UPDATE card_key k SET status = 'RESERVED', order_id = (SELECT id FROM o), reserved_until = :k_until
                    FROM picked WHERE k.id = picked.id AND (SELECT count(*) FROM picked) = :k_quantity
                    RETURNING k.id
                )
                SELECT c.available AS k_available, (SELECT count(*) FROM reserved) AS k_reserved,
                    (SELECT coalesce(min(id), 0) FROM reserved) AS k_lowest%5$s, o.*
                FROM counted c LEFT JOIN o ON true""";
    }

    private static final String INSERT_AND_RESERVE = insertAndReserve(COUNT_FROM_LOWEST, "");
    private static final String INSERT_AND_RESERVE_FROM_FLOOR = insertAndReserve(COUNT_FROM_FLOOR, " AND id >= :k_floor");

    /** The order's stripe ({@code id % 16}, V35's index ix_card_key_available_striped: the same expression). */
    private static String stripe(String fromFloor) {
        return "SELECT id FROM card_key WHERE product_id = :product AND status = 'AVAILABLE' AND id % 16 = :stripe"
                + fromFloor + " ORDER BY id LIMIT :quantity FOR UPDATE SKIP LOCKED";
    }

    private static final String STRIPE_FIRST = stripe("");
    private static final String STRIPE_FROM_FLOOR = stripe(" AND id >= :floor");
    /** The whole product, lowest ids first (V2's index ix_card_key_available). */
    private static final String WHOLE_PRODUCT = """
            SELECT id FROM card_key WHERE product_id = :product AND status = 'AVAILABLE'
            ORDER BY id LIMIT :quantity FOR UPDATE SKIP LOCKED""";
}
