package io.kamiflow.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;

import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * "Reconcile orders" finding a broken order tells the owner once, though the check runs again and again, and the
 * incident it ends in is told once however often the watch looks: driven job by job, as the other process tests.
 */
class InvariantAndIncidentNotificationTest extends ProcessTest {

    @Autowired
    NotifyTargets targets;
    @Autowired
    OverdueWatch watch;

    @Test
    void aBrokenOrderIsToldOnceAndItsIncidentOnce() throws Exception {
        targets.create("admin mail", NotifyTargets.Kind.MAIL, null, null,
                EnumSet.of(NotifyEvent.INVARIANT_VIOLATED, NotifyEvent.INCIDENT));
        Shop.productWithKeys(shop, "REC", "1.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REC", 1, "rec@example.com");
        assertThat(shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "T-short", "0.50", "CNY")).body())
                .isEqualTo("success");
        engine.getRuntimeService().deleteProcessInstance(instanceFor(order.orderNo()).getId(), "deleted by hand in Cockpit");

        Job timer = engine.getManagementService().createJobQuery().processDefinitionKey("reconcile-orders").timers()
                .singleResult();
        engine.getManagementService().executeJob(timer.getId());
        ProcessInstance check = engine.getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey("reconcile-orders").singleResult();
        for (int runs = 0; runs < 20 && incidentOf(check) == null; runs++) {
            Job job = engine.getManagementService().createJobQuery().processInstanceId(check.getId()).singleResult();
            try {
                engine.getManagementService().executeJob(job.getId());
            } catch (RuntimeException expected) {
                // the recheck fails while the order is broken
            }
        }
        assertThat(incidentOf(check)).isNotNull();
        assertThat(count("INVARIANT_VIOLATED")).as("one finding, told once over three checks").isOne();

        watch.check();
        watch.check();
        assertThat(count("INCIDENT")).isOne();
        for (ExternalTask call : engine.getExternalTaskService().createExternalTaskQuery()
                .processDefinitionKey(Notifications.PROCESS_KEY).list()) {
            remoteCallWorker.runNow(call.getId());
        }
        assertThat(jdbc.queryForList("SELECT status FROM notify_delivery", String.class)).containsOnly("SENT").hasSize(2);
        MimeMessage[] mails = TestMail.get().getReceivedMessages();
        assertThat(mails).extracting(MimeMessage::getSubject).anySatisfy(subject -> assertThat(subject)
                .contains("Invariant violated")).anySatisfy(subject -> assertThat(subject)
                .contains("Incident at \"RecheckBrokenOrders\""));
        for (MimeMessage mail : mails) {
            assertThat(mail.getContent().toString()).doesNotContain(order.accessToken(), "rec@example.com");
        }

        jdbc.update("""
                UPDATE payment SET refunded_at = CURRENT_TIMESTAMP, refund_status = 'MANUAL_DONE',
                       refund_request_id = 'KF-REFUND-' || id WHERE order_no = ?""", order.orderNo());
        Job job = engine.getManagementService().createJobQuery().processInstanceId(check.getId()).singleResult();
        engine.getManagementService().setJobRetries(job.getId(), 1);
        engine.getManagementService().executeJob(job.getId());
    }

    private Incident incidentOf(ProcessInstance instance) {
        return engine.getRuntimeService().createIncidentQuery().processInstanceId(instance.getId()).singleResult();
    }

    private int count(String event) {
        return jdbc.queryForObject("SELECT count(*) FROM notify_delivery WHERE event = ?", Integer.class, event);
    }
}
