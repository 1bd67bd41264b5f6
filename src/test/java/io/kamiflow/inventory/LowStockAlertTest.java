package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** One alert per dip below the threshold; the next only after stock went back above it. */
@RecordApplicationEvents
class LowStockAlertTest extends IntegrationTest {

    @Autowired
    LowStockMonitor monitor;
    @Autowired
    ProductRepository products;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    DataSource dataSource;
    @Autowired
    ApplicationEvents events;

    @Test
    void alertsOncePerDip() throws Exception {
        ShopClient shop = shop();
        assertThat(shop.createProduct("LOW", "1.00", "CNY", 3).status()).isEqualTo(201);
        shop.importKeys("LOW", "L1\nL2\nL3\nL4\n");

        assertThat(shop.createOrder("LOW", 1, "a@low.example", "sandbox").status()).isEqualTo(201); // 3 left: not below
        assertThat(lowStockMails()).isZero();
        assertThat(shop.createOrder("LOW", 1, "b@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert
        await().atMost(Duration.ofSeconds(20)).until(() -> lowStockMails() == 1);
        assertThat(shop.createOrder("LOW", 1, "c@low.example", "sandbox").status()).isEqualTo(201); // 1 left: no second alert
        Thread.sleep(300);
        assertThat(lowStockMails()).isEqualTo(1);

        shop.importKeys("LOW", "L5\nL6\nL7\n"); // 4 left: above again, re-armed
        assertThat(shop.createOrder("LOW", 2, "d@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert again
        await().atMost(Duration.ofSeconds(20)).until(() -> lowStockMails() == 2);
        assertThat(TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")[1].getSubject())
                .isEqualTo("[kamiflow] Low stock: LOW has 2 keys left");
    }

    /**
     * The low-stock mail leaves the checkout that took the stock low: sent in that request's afterCommit, it kept the
     * buyer waiting for SMTP and the request's pooled connection out of the pool (Spring returns it only after the
     * afterCommit callbacks) for as long as the mail server took.
     */
    @Test
    void aSlowMailServerDoesNotHoldUpTheCheckoutThatTookTheStockLow() throws Exception {
        try (FakeSmtp slow = FakeSmtp.answeringDataAfter(Duration.ofMillis(2500)); // under the test profile's 3 s read timeout
             ConfigurableApplicationContext node = SecondNode.start("low-stock-slow-smtp",
                     Map.of("spring.mail.port", slow.port()), context -> { })) {
            ShopClient shop = new ShopClient(node.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
            assertThat(shop.createProduct("LOW", "1.00", "CNY", 3).status()).isEqualTo(201);
            shop.importKeys("LOW", "L1\nL2\nL3\nL4\nL5\n");
            for (String buyer : new String[] {"a@low.example", "b@low.example"}) { // 4, then 3 left: no alert yet
                assertThat(shop.createOrder("LOW", 1, buyer, "sandbox").status()).isEqualTo(201);
            }

            long start = System.nanoTime();
            assertThat(shop.createOrder("LOW", 1, "c@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // under the relay's 2.5 s with room for a loaded machine: a checkout that waited for the mail took 2.5 s or more
            assertThat(took).as("the checkout that took the stock below its threshold").isLessThan(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.arrivedFor("admin@kamiflow.local") == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.answered() == 1);
        }
    }

    /**
     * When the alert cannot be queued (100 wait for the mail server already) AdminAlerts re-arms the dip in the
     * committing thread's afterCommit, where the committed transaction's connection is still bound to the thread: the
     * re-arm ran there in a transaction nobody committed until Spring reset the connection's auto-commit, after every
     * callback. It commits in its own transaction now: another connection sees it as soon as the re-arm returns.
     */
    @Test
    void aRearmFromAfterCommitIsCommittedWhenItReturns() throws Exception {
        ShopClient shop = shop();
        assertThat(shop.createProduct("REARM", "1.00", "CNY", 3).status()).isEqualTo(201);
        long productId = jdbc.queryForObject("SELECT id FROM product WHERE sku = 'REARM'", Long.class);
        AtomicReference<Boolean> alertedRightAfterRearm = new AtomicReference<>();

        new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
            monitor.checkAfterTaking(products.getById(productId), 0); // the dip: flag flipped, LowStock published
            LowStock low = events.stream(LowStock.class).filter(event -> event.sku().equals("REARM")).findFirst().orElseThrow();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    low.rearm().run();
                    alertedRightAfterRearm.set(alertedSeenByAnotherConnection(productId));
                }
            });
        });

        assertThat(alertedRightAfterRearm.get()).as("the flag, read by another connection as the re-arm returned").isFalse();
        assertThat(jdbc.queryForObject("SELECT low_stock_alerted FROM product WHERE id = ?", Boolean.class, productId)).isFalse();
    }

    private boolean alertedSeenByAnotherConnection(long productId) {
        try (Connection other = dataSource.getConnection();
             var read = other.prepareStatement("SELECT low_stock_alerted FROM product WHERE id = ?")) {
            read.setLong(1, productId);
            try (ResultSet row = read.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int lowStockMails() throws Exception {
        int count = 0;
        for (var mail : TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")) {
            count += mail.getSubject().contains("Low stock") ? 1 : 0;
        }
        return count;
    }
}
