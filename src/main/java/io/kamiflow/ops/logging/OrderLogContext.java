package io.kamiflow.ops.logging;

import org.slf4j.MDC;

/**
 * The order number in the logging context (MDC key {@value #KEY}) while a request handles an order. Jobs get it
 * from Camunda (generic property logging-context-business-key: the business key is the order number).
 */
public final class OrderLogContext implements AutoCloseable {

    public static final String KEY = "orderNo";

    private final String previous;

    private OrderLogContext(String previous) {
        this.previous = previous;
    }

    /** Sets the order number until closed; closing restores what was there before (a nested call keeps its caller's). */
    public static OrderLogContext of(String orderNo) {
        OrderLogContext context = new OrderLogContext(MDC.get(KEY));
        if (orderNo != null) {
            MDC.put(KEY, orderNo);
        }
        return context;
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
