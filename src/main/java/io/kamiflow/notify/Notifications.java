package io.kamiflow.notify;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.delivery.AdminAlerts;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records an event for every target that receives it, in the caller's transaction: a delivery row and a
 * {@value #PROCESS_KEY} instance (business key = the delivery's id) whose external task the remote call worker sends
 * after the commit. Rolled back with the change it reports, so an event is sent only for what happened.
 */
@Service
public class Notifications {

    static final String PROCESS_KEY = "notify-delivery";

    private final NotifyTargets targets;
    private final NotifyDeliveries deliveries;
    private final RuntimeService runtime;
    private final ObjectMapper json;
    private final AdminAlerts once;
    private final TransactionTemplate transactions;

    Notifications(NotifyTargets targets, NotifyDeliveries deliveries, RuntimeService runtime, ObjectMapper json,
                  AdminAlerts once, PlatformTransactionManager transactionManager) {
        this.targets = targets;
        this.deliveries = deliveries;
        this.runtime = runtime;
        this.json = json;
        this.once = once;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** @return how many deliveries were recorded */
    public int publish(NotifyEvent event, Map<String, Object> data) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            return transactions.execute(tx -> publish(event, data));
        }
        return targets.receiving(event).stream().mapToInt(target -> {
            record(target.id(), event, data);
            return 1;
        }).sum();
    }

    /** Who hears of a paid order of this product (in the paying transaction). */
    NotifyTargets.PaidReceivers paidReceivers(long productId) {
        return targets.receivingPaid(productId);
    }

    /** The event to these targets, read in this transaction ({@link #paidReceivers}). */
    void publishTo(List<NotifyTargets.Target> receivers, NotifyEvent event, Map<String, Object> data) {
        receivers.forEach(target -> record(target.id(), event, data));
    }

    /** A "send test" from the back office: to this target only, whatever it is switched on for. */
    public String sendTest(long targetId) {
        return transactions.execute(tx -> record(targetId, NotifyEvent.TEST,
                Map.of("message", "kamiflow test notification")));
    }

    /**
     * An event told at most once per subject, ever (a task past its SLA, an incident, a violation found again by the
     * next check): remembered beside the admin alerts in the same transaction.
     */
    public void publishOnce(NotifyEvent event, String subject, Map<String, Object> data) {
        if (targets.receiving(event).isEmpty()) {
            return; // nobody listens: nothing remembered either, so a target added later hears of what is still open
        }
        String key = subject.length() > 100 ? subject.substring(0, 100) : subject;
        if (once.raiseOnce("NOTIFY_" + event.name(), key)) {
            publish(event, data);
        }
    }

    /** "Reconcile orders" found broken orders: told once per invariant and set of subjects. */
    public void invariantViolated(String invariant, List<String> subjects) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("invariant", invariant);
        data.put("subjects", subjects.size() > 20 ? subjects.subList(0, 20) : subjects);
        publishOnce(NotifyEvent.INVARIANT_VIOLATED, invariant + ":" + String.join(",", subjects), data);
    }

    private String record(long targetId, NotifyEvent event, Map<String, Object> data) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("event", event.wire);
        body.put("createdAt", Instant.now().toString());
        body.put("data", data);
        try {
            deliveries.insert(id, targetId, event, json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("notification body not written: " + e.getOriginalMessage());
        }
        runtime.startProcessInstanceByKey(PROCESS_KEY, id);
        return id;
    }
}
