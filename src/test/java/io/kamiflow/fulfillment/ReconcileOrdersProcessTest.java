package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.Metrics;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;

/** "Reconcile orders" runs the invariants in production: a broken promise ends as an incident naming the orders. */
class ReconcileOrdersProcessTest extends ProcessTest {

    private static final String LOST_PAYMENT = "a payment neither paid its order nor was refunded, and no process works on it";

    @LocalManagementPort
    int managementPort;

    @Test
    void aPaymentWhoseProcessWasDeletedBecomesAnIncidentNamingItsOrder() {
        Shop.productWithKeys(shop, "REC", "1.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REC", 1, "rec@example.com");
        // a short payment waits for review: it has not paid the order, and only its instance knows about it
        assertThat(shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-short", "0.50", "CNY")).body())
                .isEqualTo("success");
        engine.getRuntimeService().deleteProcessInstance(instanceFor(order.orderNo()).getId(), "deleted by hand in Cockpit");

        Metrics before = Metrics.scrape(managementPort);
        ProcessInstance check = startReconcile();
        int runs = 0;
        for (int attempt = 0; attempt < 5 && incidentOf(check) == null; attempt++) {
            runs++;
            Job job = engine.getManagementService().createJobQuery().processInstanceId(check.getId()).singleResult();
            try {
                engine.getManagementService().executeJob(job.getId());
            } catch (RuntimeException expected) {
                // each failed run logs "INVARIANT VIOLATED ..." and counts down the retries
            }
        }
        Incident incident = incidentOf(check);
        assertThat(incident).as("an incident after the retries").isNotNull();
        assertThat(incident.getIncidentMessage()).contains("a payment neither paid its order nor was refunded")
                .contains(order.orderNo());
        Metrics after = Metrics.scrape(managementPort);
        assertThat(after.value("kamiflow_invariant_violations_total", "invariant", LOST_PAYMENT)
                - before.value("kamiflow_invariant_violations_total", "invariant", LOST_PAYMENT)).as("one per failed run").isEqualTo(runs);
        assertThat(after.value("kamiflow_invariant_checks_total", "outcome", "violated")
                - before.value("kamiflow_invariant_checks_total", "outcome", "violated")).isEqualTo(runs);
        assertThat(runs).isGreaterThan(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            Metrics gauges = Metrics.scrape(managementPort);
            assertThat(gauges.value("kamiflow_camunda_incidents_open")).isGreaterThanOrEqualTo(1);
            assertThat(gauges.value("kamiflow_camunda_jobs_failed")).isGreaterThanOrEqualTo(1);
        });

        jdbc.update("UPDATE payment SET refunded_at = CURRENT_TIMESTAMP WHERE order_no = ?", order.orderNo()); // ops settle it
    }

    @Test
    void consistentOrdersEndTheCheckQuietly() {
        Shop.productWithKeys(shop, "REC", "1.00", 2);
        Shop.PlacedOrder order = paidOrder("REC", 1, "rec@example.com");
        executeJob(instanceFor(order.orderNo()));
        Metrics before = Metrics.scrape(managementPort);
        ProcessInstance check = startReconcile();
        executeJob(check);
        Metrics after = Metrics.scrape(managementPort);
        assertThat(after.value("kamiflow_invariant_checks_total", "outcome", "held")
                - before.value("kamiflow_invariant_checks_total", "outcome", "held")).isEqualTo(1);
        assertThat(after.value("kamiflow_invariant_violations_total") - before.value("kamiflow_invariant_violations_total")).isZero();
        org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat(check).isEnded().hasPassed("OrdersConsistent");
    }

    /** Fires the cycle's timer as the job executor would: one reconcile instance waiting at its check. */
    private ProcessInstance startReconcile() {
        Job timer = engine.getManagementService().createJobQuery().processDefinitionKey("reconcile-orders").timers().singleResult();
        engine.getManagementService().executeJob(timer.getId());
        return engine.getRuntimeService().createProcessInstanceQuery().processDefinitionKey("reconcile-orders").singleResult();
    }

    private Incident incidentOf(ProcessInstance instance) {
        return engine.getRuntimeService().createIncidentQuery().processInstanceId(instance.getId()).singleResult();
    }
}
