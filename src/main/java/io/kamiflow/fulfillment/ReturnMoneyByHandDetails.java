package io.kamiflow.fulfillment;

import io.kamiflow.payment.RefundService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

/**
 * Opens "Return the money by hand": the payment waits for support, and the task (only the task, as local
 * variables) carries what its form shows: amount, channel, gateway trade no and why no gateway returned it.
 */
@Component("returnMoneyByHandDetails")
class ReturnMoneyByHandDetails implements TaskListener {

    private final RefundService refunds;
    private final FulfillmentSettings settings;

    private final InstanceOrders orders;

    ReturnMoneyByHandDetails(RefundService refunds, FulfillmentSettings settings, InstanceOrders orders) {
        this.refunds = refunds;
        this.orders = orders;
        this.settings = settings;
    }

    @Override
    public void notify(DelegateTask task) {
        Object status = task.getVariable(ProcessVariables.REFUND_STATUS);
        Object gatewayStatus = task.getVariable(ProcessVariables.GATEWAY_REFUND_STATUS);
        String statusCode = status == null ? "" : status.toString();
        RefundService.ManualRefund refund = refunds.handToSupport(orders.paymentId(task.getExecution()),
                statusCode + (gatewayStatus == null ? "" : " " + gatewayStatus));
        String channel = refund.payment().channel();
        String gatewayRefund = refund.gatewayReference() == null ? "" : " (its refund id " + refund.gatewayReference() + ")";
        String why = switch (statusCode) {
            case "NO_REFUND_API" -> channel + " has no refund API kamiflow can call (or kamiflow lacks its API credentials).";
            case "CHANNEL_NOT_CONFIGURED" -> channel + " is not configured in kamiflow (any more).";
            case "GATEWAY_GAVE_UP" -> "The gateway reports the refund " + gatewayStatus + gatewayRefund
                    + ": the money did not reach the buyer.";
            case "PROCESSING" -> "The gateway gave no final answer within " + settings.getRefundCheckLimit() + gatewayRefund
                    + ". Check its merchant console first: if the refund arrived, enter that refund id as the reference.";
            default -> "This refund was handed to support before; return the money unless that was already done.";
        };
        task.setVariableLocal("refundAmount", refund.payment().amount().amount());
        task.setVariableLocal("refundCurrency", refund.payment().amount().currency());
        task.setVariableLocal("refundChannel", channel);
        task.setVariableLocal("gatewayTradeNo", refund.payment().tradeNo());
        task.setVariableLocal("refundWhy", why);
    }
}
