package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order page shows the keys once they are claimed: the mail is a second channel that may still be retrying. */
class OrderPageKeysTest extends ProcessTest {

    @AfterEach
    void mailServerBack() {
        TestMail.start();
    }

    @Test
    void keysAreOnThePageAsSoonAsTheyAreClaimedAndAReaderIsNotEscalatedWhenTheMailGivesUp() {
        Shop.productWithKeys(shop, "PAGE", "3.00", 3);
        Shop.PlacedOrder order = paidOrder("PAGE", 2, "reader@example.com");
        ProcessInstance instance = instanceFor(order.orderNo());
        assertThat(instance).as("claimed in the callback's transaction").isWaitingAt("SendKeys");
        JsonNode page = page(order);
        assertThat(page.get("status").asText()).isEqualTo("PAID");
        assertThat(page.get("keys")).hasSize(2);
        assertThat(jdbc.queryForList("SELECT channel FROM key_reveal ORDER BY key_id", String.class))
                .containsExactly("PAGE", "PAGE");

        TestMail.stop(); // the mail server is down for the whole retry schedule
        executeJob(instance); // attempt 1
        for (int retry = 1; retry <= 3; retry++) {
            executeJob(instance); // the timer
            executeJob(instance); // the attempt
        }
        assertThat(instance).isEnded().hasPassed("RecordPageDelivery", "DeliveredOnPage").hasNotPassed("ManualDelivery");
        assertThat(orderStatus(order.orderNo())).isEqualTo("DELIVERED");
        assertThat(jdbc.queryForList("SELECT outcome FROM delivery_attempt ORDER BY attempt_no", String.class))
                .containsExactly("FAILED_TRANSIENT", "FAILED_TRANSIENT", "FAILED_TRANSIENT", "FAILED_TRANSIENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'order.delivered-on-page'",
                Integer.class)).isEqualTo(1);
        assertThat(engine.getTaskService().createTaskQuery().count()).isZero();
        List<String> again = List.of(page(order).get("keys").get(0).asText(), page(order).get("keys").get(1).asText());
        assertThat(again).containsExactly(page.get("keys").get(0).asText(), page.get("keys").get(1).asText());
    }

    @Test
    void aWrongTokenSeesNoKeysAndRevealsNothing() {
        Shop.productWithKeys(shop, "PAGE", "3.00", 1);
        Shop.PlacedOrder order = paidOrder("PAGE", 1, "reader@example.com"); // claimed in the callback
        assertThat(shop.getOrder(order.orderNo(), "not-the-token").status()).isEqualTo(404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal", Integer.class)).isZero();
        executeJob(instanceFor(order.orderNo())); // Send keys: the mail reveals them
        assertThat(jdbc.queryForList("SELECT channel FROM key_reveal", String.class)).containsExactly("MAIL");
    }

    /**
     * A buyer reloads the order page while the keys are being mailed, and again and again in a sale: once its keys
     * are revealed and recorded through the page, a view reads them without locking the key rows, which made each view
     * a writing transaction (a row lock is written into the row, and its commit waits for the WAL flush).
     */
    @Test
    void aPageViewedAgainLocksNoKeyRows() {
        Shop.productWithKeys(shop, "PAGE", "3.00", 2);
        Shop.PlacedOrder order = paidOrder("PAGE", 2, "reload@example.com");
        List<String> first = keysOf(page(order));
        assertThat(first).hasSize(2);
        List<String> locksAfterFirstView = keyRowLocks(order);
        for (int view = 0; view < 3; view++) {
            assertThat(keysOf(page(order))).as("view %d", view + 2).isEqualTo(first);
        }
        assertThat(keyRowLocks(order)).as("xmax of the order's key rows").isEqualTo(locksAfterFirstView);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal r JOIN customer_order o ON o.id = r.order_id"
                + " WHERE o.order_no = ?", Integer.class, order.orderNo())).as("one reveal row per key").isEqualTo(2);

        executeJob(instanceFor(order.orderNo())); // Send keys: the mail is a channel not yet recorded, so it locks
        assertThat(jdbc.queryForList("SELECT r.channel FROM key_reveal r JOIN customer_order o ON o.id = r.order_id"
                + " WHERE o.order_no = ? ORDER BY r.channel", String.class, order.orderNo()))
                .containsExactly("MAIL", "MAIL", "PAGE", "PAGE");
        assertThat(keysOf(page(order))).isEqualTo(first);
    }

    private List<String> keysOf(JsonNode page) {
        List<String> keys = new java.util.ArrayList<>();
        page.get("keys").forEach(key -> keys.add(key.asText()));
        return keys;
    }

    /** The transaction id in each key row's xmax: a row lock (FOR UPDATE) writes its transaction's there. */
    private List<String> keyRowLocks(Shop.PlacedOrder order) {
        return jdbc.queryForList("SELECT k.xmax::text FROM card_key k JOIN customer_order o ON o.id = k.order_id"
                + " WHERE o.order_no = ? ORDER BY k.id", String.class, order.orderNo());
    }

    private JsonNode page(Shop.PlacedOrder order) {
        return shop.getOrder(order.orderNo(), order.accessToken()).json();
    }
}
