package io.kamiflow.fulfillment;

import io.kamiflow.ordering.OrderExpiryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/** Expire unpaid orders (process order-expiry): the engine's clock, so tests and ops can reason in process time. */
@Component
class ExpireUnpaidOrdersDelegate implements JavaDelegate {

    private final OrderExpiryService expiry;
    private final FulfillmentSettings settings;

    ExpireUnpaidOrdersDelegate(OrderExpiryService expiry, FulfillmentSettings settings) {
        this.expiry = expiry;
        this.settings = settings;
    }

    @Override
    public void execute(DelegateExecution execution) {
        int expired = expiry.expireCreatedBefore(ClockUtil.getCurrentTime().toInstant().minus(settings.getOrderTtl()));
        execution.setVariable("expiredOrders", expired);
    }
}
