package io.kamiflow.payment;

import io.kamiflow.catalog.Money;
import io.kamiflow.delivery.KeyDeliveryService;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Returns a payment's money and settles the order. The gateway call is idempotent per payment (the
 * channel keys its refund request on the payment id) and a refunded payment is never refunded
 * again, so a replayed job is harmless. When the refunded payment is the one that paid the order,
 * the order becomes REFUNDED: keys never revealed go back to stock, keys that may have reached the
 * buyer (order page, mail attempt, by hand) become VOID. A refunded duplicate payment leaves the order as it is.
 */
@Service
public class RefundService {

    private static final Logger log = LoggerFactory.getLogger(RefundService.class);

    private final JdbcClient jdbc;
    private final PaymentChannels channels;
    private final OrderRepository orders;
    private final KeyClaimer keys;
    private final KeyDeliveryService delivery;
    private final AuditLog audit;

    RefundService(JdbcClient jdbc, PaymentChannels channels, OrderRepository orders, KeyClaimer keys,
                  KeyDeliveryService delivery, AuditLog audit) {
        this.jdbc = jdbc;
        this.channels = channels;
        this.orders = orders;
        this.keys = keys;
        this.delivery = delivery;
        this.audit = audit;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void refund(long paymentId, String reason) {
        record Locked(Payment payment, boolean refunded) {
        }
        Locked locked = jdbc.sql("SELECT * FROM payment WHERE id = ? FOR UPDATE").param(paymentId)
                .query((rs, row) -> new Locked(new Payment(rs.getLong("id"), rs.getString("channel"), rs.getString("trade_no"),
                        rs.getString("order_no"), new Money(rs.getLong("amount_minor"), rs.getString("currency"))),
                        rs.getObject("refunded_at") != null))
                .single();
        Payment payment = locked.payment();
        if (!locked.refunded()) {
            PaymentChannel channel = channels.byId(payment.channel()).orElse(null);
            String reference = channel != null && channel.supportsRefund() ? channel.refund(payment, reason) : "manual";
            jdbc.sql("UPDATE payment SET refunded_at = CURRENT_TIMESTAMP, refund_reference = ? WHERE id = ?")
                    .params(reference, paymentId).update();
            audit.record("payment.refund", payment.orderNo(), payment.channel() + " trade " + payment.tradeNo() + " "
                    + payment.amount().amount() + " " + payment.amount().currency() + " ref " + reference
                    + (reference.equals("manual") ? " (channel has no refund API: return the money by hand)" : "")
                    + "; " + reason);
            log.info("payment {} of order {} refunded ({})", paymentId, payment.orderNo(), reference);
        }
        Order order = orders.lockByOrderNo(payment.orderNo()).orElseThrow();
        boolean paidThisOrder = order.paymentId() == null || order.paymentId() == paymentId;
        if (paidThisOrder && order.status() != OrderStatus.REFUNDED) {
            keys.settleRefund(order.id());
            orders.transition(order.id(), OrderStatus.REFUNDED, OrderStatus.values());
        }
    }
}
