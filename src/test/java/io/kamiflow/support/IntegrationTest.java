package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.kamiflow.delivery.MailConnections;
import io.kamiflow.fulfillment.FulfillmentSettings;
import io.kamiflow.fulfillment.KeyMailWaits;
import io.kamiflow.inventory.StockSettings;
import io.kamiflow.ops.OrderInvariants;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every test that needs the application: one shared context (random port, job executor on)
 * on real PostgreSQL and real SMTP. Domain tables and running process instances are cleaned before
 * each test; Camunda's schema lives for the whole run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class IntegrationTest {

    private static final String ENCRYPTION_KEY = randomKey();
    private static final String FINGERPRINT_KEY = randomKey();

    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected ProcessEngine engine;
    @LocalServerPort
    protected int port;
    @Autowired
    protected StockSettings stockSettings;
    @Autowired
    protected OrderInvariants invariants;
    @Autowired
    protected FulfillmentSettings fulfillmentSettings;
    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestDatabase.Db db = TestDatabase.get();
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
        registry.add("spring.mail.port", TestMail::port);
        registry.add("kamiflow.crypto.active-key-id", () -> "t1");
        registry.add("kamiflow.crypto.keys.t1", () -> ENCRYPTION_KEY);
        registry.add("kamiflow.crypto.fingerprint-key", () -> FINGERPRINT_KEY);
        TestGatewayKeys.register(registry);
    }

    /** The same infrastructure as arguments, for a second node on the same database ({@link SecondNode}). */
    static java.util.Map<String, Object> nodeProperties() {
        java.util.Map<String, Object> properties = new java.util.LinkedHashMap<>();
        infrastructure((name, value) -> properties.put(name, value.get()));
        return properties;
    }

    private static final String TRUNCATE = "TRUNCATE audit_event, coupon, key_mail_queue, delivery_attempt, key_reveal, payment, card_key, customer_order, product, category, admin_alert, "
            + "buyer_lock, sandbox_trade, sandbox_closed_order, address_lock, rate_limit_bucket, unknown_trade, "
            + "stored_image, key_import, order_list_link, notify_delivery, notify_target RESTART IDENTITY CASCADE";

    @BeforeEach
    void cleanState() throws Exception {
        deleteRunningOrderProcesses();
        truncateDomainTables();
        TestMail.start(); // in case a failed test left it down
        TestMail.get().purgeEmailFromAllMailboxes();
        MailConnections.closeEarlierConnections(context); // this test's mails reach the server it set up, nothing older
        stockSettings.setReservation(StockSettings.Reservation.ON_CHECKOUT); // the configured default
        fulfillmentSettings.setMailAfterCommit(true); // likewise
        KeyMailWaits.forgetEarlierMails(context); // callbacks wait for their key mail, whatever SMTP did before
    }

    /**
     * Empties the domain tables. TRUNCATE takes each table's exclusive lock in turn while the app's background work (gauges,
     * the remote call worker, sweeps) reads them: PostgreSQL may break a deadlock by cancelling the TRUNCATE, which is then
     * simply tried again.
     */
    private void truncateDomainTables() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.execute(TRUNCATE);
                return;
            } catch (PessimisticLockingFailureException deadlock) {
                if (attempt == 5) {
                    throw deadlock;
                }
                Thread.sleep(100L * attempt);
            }
        }
    }

    /**
     * kamiflow's promise holds after every test, whatever it did: no revealed key back on sale, no paid
     * order or payment without its process, no refunded order holding keys (see {@link OrderInvariants}). Final and
     * unconditional: a subclass can neither skip it nor have it skipped by checking earlier ({@link #assertInvariants}).
     * JUnit runs it after the subclasses' own {@code @AfterEach} methods; what must happen after it goes into
     * {@link #afterFinalCheck}.
     */
    @AfterEach
    final void promiseHoldsAtTheEnd() throws Exception {
        try {
            assertThat(invariants.check()).as("order invariants after this test").isEmpty();
        } finally {
            afterFinalCheck();
        }
    }

    /** Tidying that must wait for the final invariant check (it runs even when the check failed). */
    protected void afterFinalCheck() throws Exception {
    }

    /** The promise holds at this point of the test; the check at its end runs all the same. */
    protected void assertInvariants() {
        assertThat(invariants.check()).as("order invariants").isEmpty();
    }

    /**
     * Running instances (orders, alerts, ...) of earlier tests. The job executor and the remote call worker may be working
     * on some of them right now: each is deleted on its own, and one that lost a race is tried again, until none is left.
     */
    protected void deleteRunningOrderProcesses() throws InterruptedException {
        ProcessEngineException last = null;
        for (int round = 1; round <= 100; round++) {
            List<String> running = engine.getRuntimeService().createProcessInstanceQuery().rootProcessInstances()
                    .list().stream().map(ProcessInstance::getId).toList(); // their called instances go with them
            if (running.isEmpty()) {
                return;
            }
            for (String instance : running) {
                try {
                    engine.getRuntimeService().deleteProcessInstancesIfExists(List.of(instance), "test cleanup", true, true, false);
                } catch (ProcessEngineException e) { // optimistic lock: a job or a remote call moved it meanwhile
                    last = e;
                }
            }
            Thread.sleep(50);
        }
        throw last != null ? last : new IllegalStateException("running instances left after 100 rounds of deletes");
    }

    /** Tests that need more paid orders than keys switch to taking keys only on payment. */
    protected void takeKeysOnPayment() {
        stockSettings.setReservation(StockSettings.Reservation.ON_PAYMENT);
    }

    /** A rejected callback left no trace: no payment, order still unpaid, no process started. */
    protected void assertUntouched(String orderNo) {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, orderNo))
                .isEqualTo("PENDING_PAYMENT");
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(orderNo).count()).isZero();
    }

    /** Waits for the order's keys to be out and its process to have ended, so no job outlives the test. */
    protected void awaitDelivered(String orderNo) {
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(orderStatus(orderNo))
                && engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(orderNo).count() == 0);
    }

    protected String orderStatus(String orderNo) {
        return jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, orderNo);
    }

    /** Mails the SMTP server has taken for {@code address}. */
    protected int mailsTo(String address) {
        return TestMail.get().getReceivedMessagesForDomain(address).length;
    }

    protected ShopClient shop() {
        return new ShopClient(port);
    }

    /** The plan PostgreSQL would run {@code sql} with, its {@code ?} bound to {@code args}, as EXPLAIN prints it. */
    protected String plan(String sql, Object... args) {
        return String.join("\n", jdbc.queryForList("EXPLAIN " + sql, String.class, args));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
