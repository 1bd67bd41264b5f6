package io.kamiflow.payment;

import io.kamiflow.payment.RefundService.Locked;
import io.kamiflow.payment.RefundService.Progress;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The refund's calls to the gateway, with no database transaction and no pooled connection held while the gateway
 * answers (a gateway that hangs must not take the shop's connections or lock the payment): the payment's row is read
 * in one short statement, the gateway is called under the refund's request id (bounded by the channel), and its
 * answer is recorded by {@link RefundService} in a transaction of its own, only while the refund still waits for it.
 * A call that failed, or whose answer was never recorded (a crash), is repeated by the process under the same
 * request id, and the gateway answers it with the refund it already made.
 * <p>
 * Not {@code @Transactional(propagation = NEVER)}: Spring would open a transaction scope without a transaction, and
 * the first statement's connection would stay bound to the thread until the method returns, across the call.
 */
@Service
public class GatewayRefunds {

    private final RefundService refunds;
    private final PaymentChannels channels;
    private final TransactionTemplate transactions;

    GatewayRefunds(RefundService refunds, PaymentChannels channels, PlatformTransactionManager transactionManager) {
        this.refunds = refunds;
        this.channels = channels;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /**
     * Refund payment: asks the gateway to return the money of a refund decided for the payment-refund instance
     * {@code instanceId}. A refund already answered, or carried by another instance, is not asked again.
     */
    public Progress refund(long paymentId, String instanceId, String reason) {
        outsideAnyTransaction();
        Locked refund = refunds.read(paymentId);
        if (!"REQUESTED".equals(refund.status())) {
            return RefundService.progressOf(refund.status());
        }
        if (!instanceId.equals(refund.instanceId())) {
            return Progress.UNDER_WAY;
        }
        PaymentChannel channel = channels.byId(refund.payment().channel()).filter(PaymentChannel::enabled).orElse(null);
        if (channel == null || !channel.supportsRefund()) { // its settings changed since the refund was decided
            return channel == null ? Progress.CHANNEL_NOT_CONFIGURED : Progress.NO_REFUND_API;
        }
        RefundResult answer = channel.refund(refund.payment(), refund.requestId(), reason);
        return transactions.execute(tx -> refunds.recordAnswer(paymentId, answer, reason));
    }

    /**
     * Check refund result: asks the gateway about a refund it is still settling; SUCCEEDED records the money as
     * returned. Once the refund left PROCESSING nothing is asked.
     */
    public RefundResult checkRefund(long paymentId) {
        outsideAnyTransaction();
        Locked refund = refunds.read(paymentId);
        if (!"PROCESSING".equals(refund.status())) {
            return RefundService.resultOf(refund);
        }
        PaymentChannel channel = channels.byId(refund.payment().channel()).filter(PaymentChannel::enabled)
                .orElseThrow(() -> new IllegalStateException("channel " + refund.payment().channel() + " of payment "
                        + paymentId + " is not configured any more; its refund cannot be checked"));
        RefundResult answer = channel.checkRefund(refund.payment(), refund.requestId(), refund.reference());
        return transactions.execute(tx -> refunds.recordFollowUp(paymentId, answer));
    }

    /** No caller's transaction (and with it, a connection) may be held across a gateway's answer. */
    private static void outsideAnyTransaction() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("a gateway is called with no transaction open (and no connection held)");
        }
    }
}
