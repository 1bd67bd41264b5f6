package io.kamiflow.fulfillment;

import io.kamiflow.ordering.PaymentWindow;

import java.util.List;

import io.kamiflow.ordering.OrderExpiryService;
import io.kamiflow.payment.TradeCloser;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Expire unpaid orders (process order-expiry): the engine's clock, so tests and ops can reason in process time.
 * In the same transaction it takes the trades to close (each exactly once) and hands their order numbers to the
 * multi-instance "Close trade at gateway" as a transient variable: its instances (one job each) are created in this
 * transaction, and the list is never stored (Java-serialized variables are off).
 */
@Component
class ExpireUnpaidOrdersDelegate implements JavaDelegate {

    static final String TRADES_TO_CLOSE = "tradesToClose";

    private final OrderExpiryService expiry;
    private final TradeCloser closer;
    private final FulfillmentSettings settings;
    private final PaymentWindow window;

    ExpireUnpaidOrdersDelegate(OrderExpiryService expiry, TradeCloser closer, FulfillmentSettings settings, PaymentWindow window) {
        this.expiry = expiry;
        this.closer = closer;
        this.settings = settings;
        this.window = window;
    }

    @Override
    public void execute(DelegateExecution execution) {
        int expired = expiry.expireCreatedBefore(ClockUtil.getCurrentTime().toInstant().minus(window.getOrderTtl()));
        List<String> toClose = closer.takeTradesToClose();
        execution.setVariable("expiredOrders", expired);
        execution.setVariable(TRADES_TO_CLOSE, Variables.objectValue(toClose, true).create());
    }
}
