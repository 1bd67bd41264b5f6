package io.kamiflow.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The paying callback reads its order row once, under its lock: recording the payment, Verify payment, the paid
 * notification, Claim keys and Queue key mail act on that one read (issue 23: five reads); the paid notification reads
 * its receivers once and the product only when someone receives it; the key mail after the commit reads the keys it
 * reveals once, under their lock. Counted from Spring's JDBC
 * log (kamiflow's own statements; Camunda's go through MyBatis) of the order's work outside the key mail's threads.
 */
class CallbackOrderReadsTest extends IntegrationTest {

    private final Logger jdbcLog = (Logger) LoggerFactory.getLogger(JdbcTemplate.class);
    private final ListAppender<ILoggingEvent> statements = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing(); // the MDC of the thread that logged, not of the one that reads it
            super.append(event);
        }
    };
    private Level level;

    @AfterEach
    void release() {
        jdbcLog.detachAppender(statements);
        jdbcLog.setLevel(level);
        jdbcLog.setAdditive(true);
    }

    @Test
    void thePayingCallbackReadsItsOrderOnceUnderTheRowLockAndItsPaymentNever() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "ONCE", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "ONCE", 1, "once@example.com");

        level = jdbcLog.getLevel();
        statements.setContext(jdbcLog.getLoggerContext());
        statements.start();
        jdbcLog.addAppender(statements);
        jdbcLog.setAdditive(false); // not on the console
        jdbcLog.setLevel(Level.DEBUG);
        assertThat(Shop.pay(shop, order, "T-once").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        jdbcLog.setLevel(level);

        List<String> callback = List.copyOf(statements.list).stream()
                .filter(event -> order.orderNo().equals(event.getMDCPropertyMap().get("orderNo")))
                .filter(event -> !event.getThreadName().startsWith("keyMail")) // the mail after the commit
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.startsWith("Executing prepared SQL statement ["))
                .map(message -> message.replaceAll("\\s+", " ")).toList();
        assertThat(callback).as("the callback's statements").isNotEmpty();
        assertThat(callback.stream().filter(sql -> sql.contains("FROM customer_order")).toList())
                .as("reads of the order row in the callback")
                .singleElement().satisfies(sql -> assertThat(sql).endsWith("FOR UPDATE]"));
        assertThat(callback.stream().filter(sql -> sql.contains("FROM payment")).toList())
                .as("reads of the payment the callback inserted").isEmpty();
        assertThat(callback.stream().filter(sql -> sql.contains("FROM notify_target")).toList())
                .as("who hears of the payment: one read for the paid event and the product's hook").hasSize(1);
        assertThat(callback.stream().filter(sql -> sql.contains("FROM product")).toList())
                .as("reads of the product: Claim keys' (by hand?), none for a notification nobody receives").hasSize(1);
        List<String> mail = List.copyOf(statements.list).stream()
                .filter(event -> order.orderNo().equals(event.getMDCPropertyMap().get("orderNo")))
                .filter(event -> event.getThreadName().startsWith("keyMail"))
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.startsWith("Executing prepared SQL statement ["))
                .map(message -> message.replaceAll("\\s+", " ")).toList();
        assertThat(mail.stream().filter(sql -> sql.contains("revealed_at IS NOT NULL AS revealed")).toList())
                .as("the key mail's reads of the keys it reveals: once, under the lock (a first mail finds none revealed)")
                .singleElement().satisfies(sql -> assertThat(sql).endsWith("FOR UPDATE]"));
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
    }
}
