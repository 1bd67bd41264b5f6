package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On PostgreSQL a checkout's count and pick start at the product's floor ({@link ScanFloors}): the keys below it are
 * taken, and their entries, still in the available-key indexes until VACUUM, are not read again. The floor is a hint
 * only: a key back on sale below it is still counted and sold. The first test fails when the count starts at the
 * product's lowest id; the three "back below the floor" tests when the count or a pick trusts the floor.
 */
class ScanFloorTest extends IntegrationTest {

    @Autowired
    KeyClaimer claimer;
    @Autowired
    ScanFloors floors;
    @Autowired
    JdbcClient sql;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    StockService stock;

    @BeforeEach
    void noFloorsFromEarlierTests() {
        floors.forgetAll(); // every test's cleanup restarts the ids
    }

    @Test
    void theCountStartsAboveTheKeysTakenAndReadsFewIndexPages() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "DEEP", "1.00", 10_000);
        long product = productId("DEEP");
        jdbc.execute("ANALYZE card_key"); // statistics from before the sale: every key on sale
        // 9,000 keys gone (a batch void here: their entries stay in the indexes as a sale's taken keys do)
        assertThat(jdbc.update("UPDATE card_key SET status = 'VOID' WHERE id IN "
                + "(SELECT id FROM card_key WHERE product_id = ? ORDER BY id LIMIT 9000)", product)).isEqualTo(9000);
        long lowestOnSale = jdbc.queryForObject("SELECT min(id) FROM card_key WHERE status = 'AVAILABLE'", Long.class);
        for (int i = 0; i < 120 && floors.of(product) == 0; i++) { // until every stripe has had a buyer
            Shop.order(shop, "DEEP", 1, "deep" + i + "@floor.example");
        }
        long floor = floors.of(product);
        assertThat(floor).as("the floor, once all 16 stripes sold a key").isGreaterThanOrEqualTo(lowestOnSale);

        long onSale = jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Long.class);
        Count fromFloor = count(KeyClaimer.COUNT_FROM_FLOOR, product, floor, 11);
        Count fromLowest = count(KeyClaimer.COUNT_FROM_LOWEST, product, 0, 11); // what a node without a floor runs
        assertThat(fromFloor.available()).isEqualTo(fromLowest.available()).isEqualTo(11);
        assertThat(fromLowest.blocks()).as("pages a count from the lowest reads over 9,000 taken keys: %s", fromLowest.plan())
                .isGreaterThan(20);
        assertThat(fromFloor.blocks()).as("pages the count from the floor reads: %s", fromFloor.plan()).isLessThan(12);
        // near the end the count from the floor is short of its limit: the one from the lowest answers, exactly
        Count all = count(KeyClaimer.COUNT_FROM_FLOOR, product, floor, onSale + 5);
        assertThat(all.available()).isEqualTo(onSale);
    }

    /**
     * A sold-out product on statistics from before its sale: each count must prove that none of its keys is left, and
     * the unordered counts did it by reading every key it ever had (a sequential scan of card_key, or with the floor a
     * walk of the primary key through the keys of products above it), on every refused checkout and every gauge
     * refresh. Ordered by (product_id, id) they walk V2's index, where a taken key's entry is marked dead the first time it is read.
     * Fails with the counts unordered, with the floor kept after a short count, or with the gauge's count unordered.
     */
    @Test
    void aSoldOutProductIsCountedFromFewIndexPagesAndForgetsItsFloor() throws Exception {
        ShopClient shop = shop();
        long product = productWithAFloor(shop, "GONE", 8_000);
        Shop.productWithKeys(shop, "NEXT", "1.00", 4_000); // keys above the sold-out ones: what a floor's walk would read
        jdbc.execute("ANALYZE card_key"); // statistics from before the sale: every key on sale
        long floor = floors.of(product);
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE product_id = ? AND status = 'AVAILABLE'", product);
        long highest = jdbc.queryForObject("SELECT max(id) FROM card_key WHERE product_id = ?", Long.class, product);

        assertThat(shop.createOrder("GONE", 1, "late@floor.example", "sandbox").status()).isEqualTo(409);
        assertThat(floors.of(product)).as("a count short from the floor forgets it: the next counts run from the lowest")
                .isZero();
        // each statement twice: the first read of a taken key's entry marks it dead, as a sale's first refusal does
        for (String statement : List.of(KeyClaimer.COUNT_FROM_LOWEST, KeyClaimer.COUNT_FROM_FLOOR)) {
            for (long from : List.of(floor, highest)) {
                count(statement, product, from, 11);
                Count again = count(statement, product, from, 11);
                assertThat(again.available()).isZero();
                assertThat(again.blocks()).as("pages a sold-out product's count reads: %s", again.plan()).isLessThan(100);
            }
        }
        Count exact = count(StockService.EXACT_COUNT, product, 0, 0);
        exact = count(StockService.EXACT_COUNT, product, 0, 0);
        assertThat(exact.available()).isZero();
        assertThat(exact.blocks()).as("pages the storefront's exact count reads: %s", exact.plan()).isLessThan(100);
        assertThat(stock.available(product)).isZero();
        assertThat(stock.available(productId("NEXT"))).isEqualTo(4_000);
    }

    @Test
    void aKeyBackOnSaleBelowTheFloorIsCountedAndSoldInTheOrdersStripe() {
        ShopClient shop = shop();
        long product = productWithAFloor(shop, "BACK", 160);
        long floor = floors.of(product);
        // a key below the floor in the next order's stripe comes back on sale (as another node's release would put it)
        // and is the only one: the count from the floor finds nothing, the pick from the floor neither
        long next = nextOrderId();
        long back = jdbc.queryForObject("SELECT min(id) FROM card_key WHERE status = 'VOID' AND id % 16 = ?", Long.class,
                (long) KeyClaimer.stripeOf(next));
        assertThat(back).isLessThan(floor);
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE'");
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE' WHERE id = ?", back);

        Shop.PlacedOrder order = Shop.order(shop, "BACK", 1, "back@floor.example");
        assertThat(keysOf(order)).containsExactly(back);
        assertThat(shop.createOrder("BACK", 1, "late@floor.example", "sandbox").status()).isEqualTo(409);
    }

    @Test
    void aKeyBackOnSaleBelowTheFloorInAnotherStripeIsSoldToo() {
        ShopClient shop = shop();
        long product = productWithAFloor(shop, "ELSE", 160);
        long next = nextOrderId();
        long back = jdbc.queryForObject("SELECT min(id) FROM card_key WHERE status = 'VOID' AND id % 16 = ?", Long.class,
                (long) (KeyClaimer.stripeOf(next) + 7) % 16);
        assertThat(back).isLessThan(floors.of(product));
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE'");
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE' WHERE id = ?", back);

        Shop.PlacedOrder order = Shop.order(shop, "ELSE", 1, "else@floor.example");
        assertThat(keysOf(order)).containsExactly(back);
    }

    @Test
    void aClaimOnPaymentFindsAKeyBackBelowTheFloor() throws Exception {
        ShopClient shop = shop();
        long product = productWithAFloor(shop, "CLAIM", 160);
        takeKeysOnPayment();
        Shop.PlacedOrder order = Shop.order(shop, "CLAIM", 1, "claim@floor.example");
        long back = jdbc.queryForObject("SELECT min(id) FROM card_key WHERE status = 'VOID' AND id % 16 = ?", Long.class,
                (long) KeyClaimer.stripeOf(orderId(order)));
        assertThat(back).isLessThan(floors.of(product));
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE'");
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE' WHERE id = ?", back);

        Shop.pay(shop, order, "CLAIM-1");
        awaitDelivered(order.orderNo());
        assertThat(jdbc.queryForList("SELECT id FROM card_key WHERE order_id = ? AND status = 'SOLD'", Long.class,
                orderId(order))).containsExactly(back);
    }

    @Test
    void moreBuyersThanKeysAboveAndBelowTheFloorBuyEachKeyOnce() throws Exception {
        ShopClient shop = shop();
        long product = productWithAFloor(shop, "RUSH", 320);
        // twelve keys back on sale below the floor, as other nodes' releases would leave them
        assertThat(jdbc.update("UPDATE card_key SET status = 'AVAILABLE' WHERE id IN "
                + "(SELECT id FROM card_key WHERE status = 'VOID' AND id < ? ORDER BY id DESC LIMIT 12)",
                floors.of(product))).isEqualTo(12);
        int onSale = jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class);
        int before = jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class);

        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < onSale + 60; i++) {
            String email = "rush" + i + "@floor.example";
            checkouts.add(() -> shop.createOrder("RUSH", 1, email, "sandbox"));
        }
        List<ShopClient.Response> replies = Concurrently.run(32, checkouts);

        assertThat(replies.stream().filter(r -> r.status() == 201).count()).isEqualTo(onSale);
        assertThat(replies.stream().filter(r -> r.status() == 409).count()).isEqualTo(60);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(before + onSale);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM customer_order o WHERE o.quantity <>
                  (SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'RESERVED')""", Integer.class))
                .as("every order holds exactly its one key").isZero();
    }

    @Test
    void theLowStockChecksBoundedCountStartsAtTheFloorAndCountsKeysBelowIt() {
        ShopClient shop = shop();
        long product = productWithAFloor(shop, "LOW", 160);
        long floor = floors.of(product);
        // three keys on sale above the floor, two back below it
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE' AND id NOT IN "
                + "(SELECT id FROM card_key WHERE status = 'AVAILABLE' ORDER BY id LIMIT 3)");
        assertThat(jdbc.update("UPDATE card_key SET status = 'AVAILABLE' WHERE id IN "
                + "(SELECT id FROM card_key WHERE status = 'VOID' AND id < ? ORDER BY id LIMIT 2)", floor)).isEqualTo(2);

        assertThat(stock.availableUpTo(product, 10)).isEqualTo(5);
        assertThat(stock.availableUpTo(product, 4)).isEqualTo(4);
        assertThat(stock.availableUpTo(product, 2)).isEqualTo(2);
    }

    @Test
    void keysReleasedOnThisNodeAreScannedFromTheLowestAgain() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "FREE", "1.00", 160);
        long product = productId("FREE");
        Shop.PlacedOrder first = Shop.order(shop, "FREE", 1, "first@floor.example");
        raiseTheFloor(shop, "FREE", product);
        transactions.executeWithoutResult(tx -> claimer.release(List.of(orderId(first))));
        jdbc.update("UPDATE customer_order SET status = 'CANCELLED' WHERE order_no = ?", first.orderNo());
        assertThat(floors.of(product)).isZero();
    }

    private record Count(long available, long blocks, String plan) {
    }

    /** A count as the checkout runs it, with the pages it read. */
    private Count count(String statement, long product, long floor, long limit) throws Exception {
        String plan = params(sql.sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement), statement, product, floor, limit)
                .query(String.class).single();
        JsonNode top = new ObjectMapper().readTree(plan).get(0).get("Plan");
        long available = params(sql.sql(statement), statement, product, floor, limit).query(Long.class).single();
        return new Count(available, top.get("Shared Hit Blocks").asLong() + top.get("Shared Read Blocks").asLong(), plan);
    }

    /** The parameters a statement names (the exact count names only its product). */
    private static JdbcClient.StatementSpec params(JdbcClient.StatementSpec spec, String statement, long product, long floor,
                                                   long limit) {
        spec = spec.param("k_product", product);
        return statement.contains(":k_floor") ? spec.param("k_floor", floor).param("k_count_limit", limit)
                : statement.contains(":k_count_limit") ? spec.param("k_count_limit", limit) : spec;
    }

    /** A product whose lowest 64 keys (4 per stripe) are gone and whose floor this node knows: its id. */
    private long productWithAFloor(ShopClient shop, String sku, int keys) {
        Shop.productWithKeys(shop, sku, "1.00", keys);
        long product = productId(sku);
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE id IN (SELECT id FROM card_key ORDER BY id LIMIT 64)");
        raiseTheFloor(shop, sku, product);
        return product;
    }

    /** Checkouts of one key until each of the 16 stripes sold one: the product has a floor then. */
    private void raiseTheFloor(ShopClient shop, String sku, long product) {
        for (int i = 0; i < 80 && floors.of(product) == 0; i++) {
            Shop.order(shop, sku, 1, "raise" + i + "@floor.example");
        }
        assertThat(floors.of(product)).isPositive();
    }

    private long productId(String sku) {
        return jdbc.queryForObject("SELECT id FROM product WHERE sku = ?", Long.class, sku);
    }

    private long orderId(Shop.PlacedOrder order) {
        return jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, order.orderNo());
    }

    private List<Long> keysOf(Shop.PlacedOrder order) {
        return jdbc.queryForList("SELECT id FROM card_key WHERE order_id = ? ORDER BY id", Long.class, orderId(order));
    }

    /** The id the next order will get (the sequence restarts with every test's cleanup). */
    private long nextOrderId() {
        return jdbc.queryForObject("""
                SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM customer_order_id_seq""", Long.class);
    }
}
