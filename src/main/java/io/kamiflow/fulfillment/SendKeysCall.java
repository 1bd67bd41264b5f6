package io.kamiflow.fulfillment;

import java.util.Map;
import java.util.Optional;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(SendKeysCall.class);

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
        Object retriesSoFar = task.variables().get(ProcessVariables.DELIVERY_RETRIES);
        boolean takenOver = Boolean.TRUE.equals(task.variables().get(ProcessVariables.MAIL_TAKEN_OVER));
        if (takenOver) {
            // the node this mail was taken from may have sent it after all, and recorded that late: not again
            Optional<KeyDeliveryService.Attempt> sent = readTransaction.execute(tx -> delivery.sentAttempt(order.id()));
            if (sent.isPresent()) {
                log.info("order {}: the key mail taken over was sent by its first node after all; not sending it again",
                        order.orderNo());
                return () -> afterTakeover(outcomes.after(order.id(), sent.get(), retriesSoFar));
            }
        }
        KeyDeliveryService.Prepared prepared = readTransaction.execute(tx -> delivery.prepare(order.id()));
        KeyDeliveryService.Attempt attempt = delivery.send(prepared,
                () -> reveals.revealCommitted(order.id(), order.quantity(), KeyReveals.Channel.MAIL));
        return () -> {
            delivery.record(prepared, attempt);
            Map<String, Object> variables = outcomes.after(order.id(), attempt, retriesSoFar);
            return takenOver ? afterTakeover(variables) : variables;
        };
    }

    /**
     * The takeover's mark stays while Send keys retries (a late record may still come), and goes once the attempt
     * leads on: a resend support asks for later must send.
     */
    private static Map<String, Object> afterTakeover(Map<String, Object> variables) {
        if (!"RETRY".equals(variables.get(ProcessVariables.DELIVERY_OUTCOME))) {
            variables.put(ProcessVariables.MAIL_TAKEN_OVER, false);
        }
        return variables;
    }
}
