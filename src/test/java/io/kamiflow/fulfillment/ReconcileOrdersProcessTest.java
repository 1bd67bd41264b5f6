package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.kamiflow.support.Metrics;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * "Reconcile orders" runs the invariants in production every 10 minutes over the orders changed lately and every open
 * one; "Reconcile every order" every night over every order, a slice at a time. A broken promise ends as an incident naming the orders,
 * which clears when they are settled, not before.
 */
class ReconcileOrdersProcessTest extends ProcessTest {

    private static final String LOST_PAYMENT = "a payment neither paid its order nor was refunded, and no process works on it";

    @LocalManagementPort
    int managementPort;
    @Autowired
    FulfillmentSettings settings;

    @AfterEach
    void defaultSlices() {
        settings.setReconcileOrdersPerJob(50_000);
    }

    @Test
    void aPaymentWhoseProcessWasDeletedBecomesAnIncidentNamingItsOrderUntilItIsSettled() {
        Shop.productWithKeys(shop, "REC", "1.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REC", 1, "rec@example.com");
        // a short payment waits for review: it has not paid the order, and only its instance knows about it
        assertThat(shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-short", "0.50", "CNY")).body())
                .isEqualTo("success");
        engine.getRuntimeService().deleteProcessInstance(instanceFor(order.orderNo()).getId(), "deleted by hand in Cockpit");

        Metrics before = Metrics.scrape(managementPort);
        ProcessInstance check = start("reconcile-orders");
        int runs = runUntilIncident(check);
        Incident incident = incidentOf(check);
        assertThat(incident.getActivityId()).isEqualTo("RecheckBrokenOrders");
        assertThat(incident.getIncidentMessage()).contains(LOST_PAYMENT).contains(order.orderNo());
        Metrics after = Metrics.scrape(managementPort);
        assertThat(after.value("kamiflow_invariant_violations_total", "invariant", LOST_PAYMENT)
                - before.value("kamiflow_invariant_violations_total", "invariant", LOST_PAYMENT)).as("one per check that saw it")
                .isEqualTo(runs);
        assertThat(after.value("kamiflow_invariant_checks_total", "outcome", "violated")
                - before.value("kamiflow_invariant_checks_total", "outcome", "violated")).isEqualTo(runs);
        assertThat(runs).as("the check, then the recheck: tried twice (R2)").isEqualTo(3);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Metrics gauges = Metrics.scrape(managementPort);
            assertThat(gauges.value("kamiflow_camunda_incidents_open")).isGreaterThanOrEqualTo(1);
            assertThat(gauges.value("kamiflow_camunda_jobs_failed")).isGreaterThanOrEqualTo(1);
        });

        jdbc.update("""
                UPDATE payment SET refunded_at = CURRENT_TIMESTAMP, refund_status = 'MANUAL_DONE',
                       refund_request_id = 'KF-REFUND-' || id WHERE order_no = ?""", order.orderNo()); // support returns the money by hand
        retry(check);
        org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat(check).isEnded().hasPassed("BrokenOrdersSettled");
    }

    @Test
    void consistentOrdersEndTheCheckQuietly() {
        Shop.productWithKeys(shop, "REC", "1.00", 2);
        Shop.PlacedOrder order = paidOrder("REC", 1, "rec@example.com");
        executeJob(instanceFor(order.orderNo()));
        Metrics before = Metrics.scrape(managementPort);
        ProcessInstance check = start("reconcile-orders");
        executeJob(check);
        Metrics after = Metrics.scrape(managementPort);
        assertThat(after.value("kamiflow_invariant_checks_total", "outcome", "held")
                - before.value("kamiflow_invariant_checks_total", "outcome", "held")).isEqualTo(1);
        assertThat(after.value("kamiflow_invariant_violations_total") - before.value("kamiflow_invariant_violations_total")).isZero();
        org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat(check).isEnded().hasPassed("OrdersConsistent");
    }

    @Test
    void theEveryTenMinutesCheckSkipsOldOrdersAndTheNightlyPassWalksEveryOrderASliceAtATime() {
        Shop.productWithKeys(shop, "REC", "1.00", 4);
        Shop.PlacedOrder[] orders = new Shop.PlacedOrder[4];
        for (int i = 0; i < orders.length; i++) {
            orders[i] = paidOrder("REC", 1, "rec" + i + "@example.com");
            executeJob(instanceFor(orders[i].orderNo()));
        }
        jdbc.update("UPDATE customer_order SET updated_at = updated_at - INTERVAL '2' DAY");
        jdbc.update("UPDATE payment SET received_at = received_at - INTERVAL '2' DAY");
        // an old delivered order's key put back on sale by hand, reveal mark and all: no row of the order changes
        String broken = orders[2].orderNo();
        long keyId = jdbc.queryForObject("SELECT k.id FROM card_key k JOIN customer_order o ON o.id = k.order_id WHERE o.order_no = ?",
                Long.class, broken);
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE', order_id = NULL, sold_at = NULL, revealed_at = NULL WHERE id = ?", keyId);

        ProcessInstance recent = start("reconcile-orders");
        executeJob(recent);
        org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat(recent).as("older than the window")
                .isEnded().hasPassed("OrdersConsistent");

        settings.setReconcileOrdersPerJob(2);
        ProcessInstance nightly = start("reconcile-every-order");
        runUntilIncident(nightly);
        assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(nightly.getId())
                .activityId("CheckNextOrders").count()).as("4 orders, 2 a job").isEqualTo(2);
        assertThat(incidentOf(nightly).getIncidentMessage())
                .contains("a key revealed to an order is back on sale or on another order: order " + broken + " key " + keyId)
                .contains("a delivered order's keys were not all revealed: " + broken)
                .doesNotContain(orders[0].orderNo(), orders[1].orderNo(), orders[3].orderNo());

        jdbc.update("""
                UPDATE card_key SET status = 'SOLD', order_id = (SELECT id FROM customer_order WHERE order_no = ?),
                       sold_at = CURRENT_TIMESTAMP, revealed_at = CURRENT_TIMESTAMP WHERE id = ?""", broken, keyId);
        retry(nightly);
        org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat(nightly).isEnded().hasPassed("BrokenOrdersSettled");
    }

    @Test
    void anOpenOrderIsCheckedEveryTimeHoweverLongAgoItChanged() {
        takeKeysOnPayment();
        Shop.productWithKeys(shop, "REC", "1.00", 1);
        Shop.PlacedOrder first = Shop.order(shop, "REC", 1, "first@example.com");
        Shop.PlacedOrder parked = Shop.order(shop, "REC", 1, "parked@example.com");
        Shop.pay(shop, first, "T-first");
        executeJob(instanceFor(first.orderNo()));
        Shop.pay(shop, parked, "T-parked");
        assertThat(orderStatus(parked.orderNo())).isEqualTo("AWAITING_STOCK");
        jdbc.update("UPDATE customer_order SET updated_at = updated_at - INTERVAL '30' DAY");
        jdbc.update("UPDATE payment SET received_at = received_at - INTERVAL '30' DAY");
        engine.getRuntimeService().deleteProcessInstance(instanceFor(parked.orderNo()).getId(), "deleted by hand in Cockpit");

        ProcessInstance check = start("reconcile-orders");
        runUntilIncident(check);
        assertThat(incidentOf(check).getIncidentMessage())
                .contains("a paid order has no running order-fulfillment instance and no queued key mail: " + parked.orderNo());

        jdbc.update("""
                UPDATE payment SET refunded_at = CURRENT_TIMESTAMP, refund_status = 'MANUAL_DONE',
                       refund_request_id = 'KF-REFUND-' || id WHERE order_no = ?""", parked.orderNo());
        jdbc.update("UPDATE customer_order SET status = 'REFUNDED' WHERE order_no = ?", parked.orderNo());
    }

    @Test
    void aRefundLeftWithoutItsProcessIsCheckedEveryTimeHoweverLongAgoTheOrderChanged() {
        Shop.productWithKeys(shop, "REC", "1.00", 1);
        Shop.PlacedOrder order = paidOrder("REC", 1, "refund@example.com");
        executeJob(instanceFor(order.orderNo()));
        jdbc.update("UPDATE customer_order SET updated_at = updated_at - INTERVAL '30' DAY");
        jdbc.update("UPDATE payment SET received_at = received_at - INTERVAL '30' DAY");
        // a refund decided a month ago whose payment-refund instance someone deleted: nothing of the order changes now
        jdbc.update("""
                UPDATE payment SET refund_status = 'REQUESTED', refund_request_id = 'KF-REFUND-' || id,
                       refund_requested_at = received_at WHERE order_no = ?""", order.orderNo());

        ProcessInstance check = start("reconcile-orders");
        runUntilIncident(check);
        assertThat(incidentOf(check).getIncidentMessage())
                .contains("a refund decided and not returned has no process carrying it: " + order.orderNo() + " payment ");

        jdbc.update("UPDATE payment SET refund_status = NULL, refund_request_id = NULL, refund_requested_at = NULL");
    }

    @Test
    void anOrderWhoseClientAddressWasForgottenIsCheckedWhenItChanges() {
        Shop.productWithKeys(shop, "REC", "1.00", 1);
        Shop.PlacedOrder order = paidOrder("REC", 1, "forgotten-address@example.com");
        executeJob(instanceFor(order.orderNo()));
        jdbc.update("UPDATE customer_order SET updated_at = updated_at - INTERVAL '31' DAY");
        jdbc.update("UPDATE payment SET received_at = received_at - INTERVAL '31' DAY");
        // "Forget personal data" took its address after 30 days (its email stays for 90); now the order changes, and
        // breaks a promise: refunded, its keys still on it
        jdbc.update("UPDATE customer_order SET client_address = NULL WHERE order_no = ?", order.orderNo());
        jdbc.update("UPDATE customer_order SET status = 'REFUNDED', updated_at = CURRENT_TIMESTAMP WHERE order_no = ?",
                order.orderNo());

        ProcessInstance check = start("reconcile-orders");
        runUntilIncident(check);
        assertThat(incidentOf(check).getIncidentMessage()).contains("a refunded order still holds keys").contains(order.orderNo());

        jdbc.update("UPDATE customer_order SET status = 'DELIVERED' WHERE order_no = ?", order.orderNo());
    }

    /** Fires a timer start event as the job executor would: a new reconcile instance waiting at its first check. */
    private ProcessInstance start(String processKey) {
        Job timer = engine.getManagementService().createJobQuery().processDefinitionKey(processKey).timers().singleResult();
        engine.getManagementService().executeJob(timer.getId());
        return engine.getRuntimeService().createProcessInstanceQuery().processDefinitionKey(processKey).singleResult();
    }

    /** Runs the instance's jobs (failures count down the retries) until one of them is an incident; returns the runs. */
    private int runUntilIncident(ProcessInstance instance) {
        int runs = 0;
        for (; runs < 20 && incidentOf(instance) == null; runs++) {
            Job job = engine.getManagementService().createJobQuery().processInstanceId(instance.getId()).singleResult();
            try {
                engine.getManagementService().executeJob(job.getId());
            } catch (RuntimeException expected) {
                // each failed run logs "INVARIANT VIOLATED ..." and counts down the retries
            }
        }
        assertThat(incidentOf(instance)).as("an incident after the retries").isNotNull();
        return runs;
    }

    /** What ops do in Cockpit once the orders are settled: Retry. */
    private void retry(ProcessInstance instance) {
        Job job = engine.getManagementService().createJobQuery().processInstanceId(instance.getId()).singleResult();
        engine.getManagementService().setJobRetries(job.getId(), 1);
        engine.getManagementService().executeJob(job.getId());
    }

    private Incident incidentOf(ProcessInstance instance) {
        return engine.getRuntimeService().createIncidentQuery().processInstanceId(instance.getId()).singleResult();
    }
}
