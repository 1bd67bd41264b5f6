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

    private JsonNode page(Shop.PlacedOrder order) {
        return shop.getOrder(order.orderNo(), order.accessToken()).json();
    }
}
