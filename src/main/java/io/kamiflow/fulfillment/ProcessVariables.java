package io.kamiflow.fulfillment;

/** The only variables order-fulfillment carries: ids and statuses, never key values or buyer secrets. */
public final class ProcessVariables {

    public static final String PROCESS_KEY = "order-fulfillment";
    public static final String ORDER_NO = "orderNo";
    public static final String ORDER_ID = "orderId";
    public static final String PAYMENT_ID = "paymentId";
    public static final String PAYMENT_VERIFIED = "paymentVerified";
    public static final String DISCREPANCY = "discrepancy";
    public static final String OUT_OF_STOCK_ERROR = "OUT_OF_STOCK";

    private ProcessVariables() {
    }
}
