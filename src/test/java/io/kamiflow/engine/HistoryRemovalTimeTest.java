package io.kamiflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/**
 * An order's history is removed 180 days (its process's historyTimeToLive) after its instance ended, never while it
 * runs: an order parked for stock or waiting for support keeps its history in Cockpit however long it waits.
 */
class HistoryRemovalTimeTest extends ProcessTest {

    private static final Duration TTL = Duration.ofDays(180);

    @Test
    void anOrderWaitingLongerThanTheTtlKeepsItsHistoryUntilTtlAfterItsEnd() {
        takeKeysOnPayment();
        Shop.productWithKeys(shop, "WAIT", "6.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "WAIT", 1, "first@example.com");
        Shop.PlacedOrder waiting = Shop.order(shop, "WAIT", 1, "waiting@example.com");
        Shop.pay(shop, first, "T-first");
        executeJob(instanceFor(first.orderNo()));
        Shop.pay(shop, waiting, "T-waiting");
        ProcessInstance instance = instanceFor(waiting.orderNo());
        assertThat(instance).isWaitingAt("WaitForStock");

        Instant later = Instant.now().plus(TTL).plus(Duration.ofDays(1));
        cleanUpHistoryAt(later);
        assertThat(history(waiting.orderNo())).as("the waiting order's history, a day past start + TTL").isNotNull();
        assertThat(history(first.orderNo())).as("the delivered order's history, a day past end + TTL").isNull();

        shop.importKeys("WAIT", "LATE-KEY-1\n"); // stock at last, 181 days on
        awaitStockReplenished(instance);
        executeJobs(instance, 2); // Claim keys, Send keys
        assertThat(instance).isEnded();
        HistoricProcessInstance ended = history(waiting.orderNo());
        assertThat(ended.getRemovalTime()).as("end + TTL").isEqualTo(plusTtl(ended.getEndTime()));

        cleanUpHistoryAt(plusTtl(ended.getEndTime()).toInstant().minus(Duration.ofDays(1)));
        assertThat(history(waiting.orderNo())).as("a day before end + TTL").isNotNull();
        cleanUpHistoryAt(plusTtl(ended.getEndTime()).toInstant().plus(Duration.ofMinutes(1)));
        assertThat(history(waiting.orderNo())).as("past end + TTL").isNull();
    }

    /** 180 calendar days in the engine's time zone, as Camunda adds them. */
    private static Date plusTtl(Date time) {
        return Timestamp.valueOf(new Timestamp(time.getTime()).toLocalDateTime().plusDays(TTL.toDays()));
    }

    private HistoricProcessInstance history(String orderNo) {
        return engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceBusinessKey(orderNo)
                .processDefinitionKey("order-fulfillment").singleResult();
    }
}
