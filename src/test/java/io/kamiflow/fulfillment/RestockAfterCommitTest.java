package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.StockSettings;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stock that comes back resumes parked orders after the commit, and that work never needs a second pooled connection
 * on the committing thread. A listener called at commit still holds the committing transaction's connection: when
 * it opened a transaction of its own, as many commits at once as the pool has connections (thirty Stripe checkouts
 * cancelled when the gateway timed out, CI 2026-12-06) each held one connection and waited for a second until the
 * pool's timeout, and the parked orders the released keys could serve stayed parked.
 */
class RestockAfterCommitTest extends IntegrationTest {

    @Autowired
    KeyClaimer keys;
    @Autowired
    HikariDataSource pool;
    @Autowired
    MeterRegistry meters;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    RestockRelay relay;

    @Test
    void asManyCancellationsAtOnceAsThePoolHasConnectionsResumeTheParkedOrderWithoutAPoolTimeout() throws Exception {
        int connections = pool.getMaximumPoolSize();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BURST", "2.00", connections);
        takeKeysOnPayment(); // this order reserves nothing at checkout
        Shop.PlacedOrder parked = Shop.order(shop, "BURST", 1, "parked@burst.example");
        stockSettings.setReservation(StockSettings.Reservation.ON_CHECKOUT);
        List<Shop.PlacedOrder> holding = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            holding.add(Shop.order(shop, "BURST", 1, "holds-" + i + "@burst.example"));
        }
        // every key reserved: its payment finds none and parks the order
        Shop.pay(shop, parked, "T-BURST-PARKED");
        await().atMost(Duration.ofSeconds(30)).until(() -> "AWAITING_STOCK".equals(status(parked.orderNo())));
        double timeoutsBefore = poolTimeouts();

        // each cancellation holds its connection until all of them do, then they commit together
        CyclicBarrier allHoldingAConnection = new CyclicBarrier(connections);
        TransactionTemplate transaction = new TransactionTemplate(transactions);
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Boolean>> released = new ArrayList<>();
            for (Shop.PlacedOrder order : holding) {
                released.add(threads.submit(() -> transaction.execute(tx -> {
                    // as OrderPlacement.cancel does when the gateway did not open the trade
                    jdbc.update("UPDATE customer_order SET status = 'CANCELLED' WHERE order_no = ?", order.orderNo());
                    boolean done = keys.release(jdbc.queryForList("SELECT id FROM customer_order WHERE order_no = ?",
                            Long.class, order.orderNo())) == 1;
                    try {
                        allHoldingAConnection.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("not all cancellations got a connection", e);
                    }
                    return done;
                })));
            }
            for (Future<Boolean> each : released) {
                assertThat(each.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(status(parked.orderNo())));
        assertThat(poolTimeouts() - timeoutsBefore).as("requests that timed out waiting for a pooled connection").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class))
                .isEqualTo(connections - 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE status = 'CANCELLED'", Integer.class))
                .isEqualTo(connections);
    }

    @Test
    void aParkedOrderWhoseStockCameBackUnnoticedIsResumedByTheSweep() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "LOST", "2.00", 1);
        takeKeysOnPayment(); // this order reserves nothing at checkout
        Shop.PlacedOrder parked = Shop.order(shop, "LOST", 1, "parked@lost.example");
        stockSettings.setReservation(StockSettings.Reservation.ON_CHECKOUT);
        Shop.PlacedOrder holding = Shop.order(shop, "LOST", 1, "holds@lost.example");
        Shop.pay(shop, parked, "T-LOST-PARKED");
        await().atMost(Duration.ofSeconds(30)).until(() -> "AWAITING_STOCK".equals(status(parked.orderNo())));
        // the key back in stock without its event, as when the node stopped between the release's commit and the work
        // after it
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE', order_id = NULL, reserved_until = NULL");
        jdbc.update("UPDATE customer_order SET status = 'CANCELLED' WHERE order_no = ?", holding.orderNo());
        assertThat(status(parked.orderNo())).isEqualTo("AWAITING_STOCK");

        relay.sweep();

        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(status(parked.orderNo())));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(1);
    }

    private double poolTimeouts() {
        Counter counter = meters.find("hikaricp.connections.timeout").counter();
        return counter == null ? 0 : counter.count();
    }

    private String status(String orderNo) {
        return jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, orderNo);
    }
}
