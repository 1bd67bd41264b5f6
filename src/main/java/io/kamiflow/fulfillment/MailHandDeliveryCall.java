package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.delivery.HandDeliveryMail;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.springframework.stereotype.Component;

/**
 * Mail the delivery (order-fulfillment, topic mail-hand-delivery): the buyer gets by mail what support entered in
 * Fulfil by hand. The SMTP call holds no transaction; the sent attempt is recorded with the task's completion. A
 * failure is retried by the worker as the activity says, then becomes an incident (the text is on the order page).
 */
@Component
class MailHandDeliveryCall implements RemoteCall {

    static final String TOPIC = "mail-hand-delivery";

    private final OrderRepository orders;
    private final HandDeliveryMail mail;

    MailHandDeliveryCall(OrderRepository orders, HandDeliveryMail mail) {
        this.orders = orders;
        this.mail = mail;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        Order order = orders.findByOrderNo(task.businessKey())
                .orElseThrow(() -> new IllegalStateException("Mail the delivery of instance " + task.processInstanceId()
                        + " names no order (business key " + task.businessKey() + ")"));
        HandDeliveryMail.Prepared prepared = mail.prepare(order.id());
        mail.send(prepared);
        return () -> {
            mail.recordSent(prepared);
            return Map.of();
        };
    }
}
