package io.kamiflow.fulfillment;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Send keys (order-fulfillment, topic send-keys): one recorded delivery attempt whose SMTP conversation holds no
 * transaction and no connection. The mail is read in a short transaction, the keys' reveal commits before the send (a
 * refund after it sees them revealed), and the attempt is recorded in the transaction that completes the task, so a
 * node that lost the task's lock records nothing and the node that took it over sends the same Message-ID. Its outcome
 * picks the path ({@link DeliveryOutcomes}).
 */
@Component
class SendKeysCall implements RemoteCall {

    static final String TOPIC = "send-keys";

    private final OrderRepository orders;
    private final KeyDeliveryService delivery;
    private final KeyReveals reveals;
    private final DeliveryOutcomes outcomes;
    private final TransactionTemplate readTransaction;

    SendKeysCall(OrderRepository orders, KeyDeliveryService delivery, KeyReveals reveals, DeliveryOutcomes outcomes,
                 PlatformTransactionManager transactionManager) {
        this.orders = orders;
        this.delivery = delivery;
        this.reveals = reveals;
        this.outcomes = outcomes;
        this.readTransaction = new TransactionTemplate(transactionManager);
        readTransaction.setReadOnly(true);
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        Order order = orders.findByOrderNo(task.businessKey())
                .orElseThrow(() -> new IllegalStateException("Send keys of instance " + task.processInstanceId()
                        + " names no order (business key " + task.businessKey() + ")"));
        KeyDeliveryService.Prepared prepared = readTransaction.execute(tx -> delivery.prepare(order.id()));
        KeyDeliveryService.Attempt attempt = delivery.send(prepared,
                () -> reveals.revealCommitted(order.id(), order.quantity(), KeyReveals.Channel.MAIL));
        Object retriesSoFar = task.variables().get(ProcessVariables.DELIVERY_RETRIES);
        return () -> {
            delivery.record(prepared, attempt);
            return outcomes.after(order.id(), attempt, retriesSoFar);
        };
    }
}
