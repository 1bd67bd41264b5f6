package io.kamiflow.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.calls.RemoteCall;
import org.springframework.stereotype.Component;

/**
 * Deliver notification (process notify-delivery, topic {@value #TOPIC}): one delivery to its target, worked by the
 * remote call worker with no transaction open. A failure is written to the delivery log (attempts, error, next retry)
 * and thrown, so the worker retries with the settings' backoff; after the last retry it is an incident of this
 * instance only. A node that dies mid-call leaves the task to another, which sends the same event id again.
 */
@Component
class DeliverNotificationCall implements RemoteCall {

    static final String TOPIC = "notify-deliver";
    private static final int DEFAULT_RETRIES = 8;

    private final NotifyDeliveries deliveries;
    private final NotifyTargets targets;
    private final NotifySenders senders;
    private final NotifySettings settings;

    DeliverNotificationCall(NotifyDeliveries deliveries, NotifyTargets targets, NotifySenders senders,
                            NotifySettings settings) {
        this.deliveries = deliveries;
        this.targets = targets;
        this.senders = senders;
        this.settings = settings;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        String id = task.businessKey();
        Optional<NotifyDeliveries.Delivery> found = deliveries.get(id);
        Optional<NotifyTargets.Target> target = found.flatMap(delivery -> targets.get(delivery.targetId()));
        if (found.isEmpty() || target.isEmpty() || found.get().status() == NotifyDeliveries.Status.SENT) {
            return Completion.with(Map.of()); // target deleted meanwhile, or sent before a node died
        }
        NotifyDeliveries.Delivery delivery = found.get();
        try {
            senders.send(target.get(), delivery);
        } catch (RuntimeException failed) {
            int retriesLeft = (task.retries() == null ? retries(task) : task.retries()) - 1;
            int failures = delivery.attempts() + 1;
            deliveries.failed(id, String.valueOf(failed.getMessage()),
                    retriesLeft > 0 ? Instant.now().plus(settings.retryDelay(failures)) : null);
            throw failed;
        }
        return () -> {
            deliveries.sent(id);
            return Map.of();
        };
    }

    @Override
    public Duration retryDelay(CallTask task, int failures, Duration configured) {
        return settings.retryDelay(failures);
    }

    @Override
    public String orderNo(CallTask task) {
        return "notification " + task.businessKey();
    }

    private static int retries(CallTask task) {
        String retries = task.extensionProperties() == null ? null : task.extensionProperties().get("retries");
        return retries == null ? DEFAULT_RETRIES : Integer.parseInt(retries);
    }
}
