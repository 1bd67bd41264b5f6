package io.kamiflow.payment;

/**
 * What a gateway says about a refund: returned (SUCCEEDED), accepted but still settling (PROCESSING, follow it
 * up with {@link PaymentChannel#checkRefund}), or given up by the gateway (FAILED, with the gateway's own status,
 * e.g. WeChat's ABNORMAL or CLOSED): then a person returns the money. The reference is the gateway's refund id.
 */
public record RefundResult(State state, String reference, String gatewayStatus) {

    public enum State { SUCCEEDED, PROCESSING, FAILED }

    public static RefundResult succeeded(String reference) {
        return new RefundResult(State.SUCCEEDED, reference, null);
    }

    public static RefundResult processing(String reference) {
        return new RefundResult(State.PROCESSING, reference, null);
    }

    public static RefundResult failed(String reference, String gatewayStatus) {
        return new RefundResult(State.FAILED, reference, gatewayStatus);
    }
}
