package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.delivery.AdminAlerts;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/**
 * Mark order awaiting stock: the buyer's order page says the keys come when stock arrives. Runs in the
 * transaction that also subscribes the order to StockReplenished (the next element waits for it), so a
 * restock can never fall between parking and listening. The admin hears of it through an admin-alert
 * instance started here, whose mail can fail and retry without touching the order.
 */
@Component
class MarkAwaitingStockDelegate implements JavaDelegate {

    static final String ALERT_ORDER_PARKED = "ORDER_PARKED";

    private final InstanceOrders instanceOrders;
    private final OrderRepository orders;
    private final AdminAlerts alerts;

    MarkAwaitingStockDelegate(InstanceOrders instanceOrders, OrderRepository orders, AdminAlerts alerts) {
        this.instanceOrders = instanceOrders;
        this.orders = orders;
        this.alerts = alerts;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = instanceOrders.order(execution);
        orders.transition(order.id(), OrderStatus.AWAITING_STOCK, OrderStatus.PAID);
        if (alerts.raiseOnce(ALERT_ORDER_PARKED, order.orderNo())) {
            execution.getProcessEngineServices().getRuntimeService().startProcessInstanceByKey(MailAdminCall.PROCESS_KEY,
                    order.orderNo(), Map.of(MailAdminCall.ALERT_KIND, ALERT_ORDER_PARKED));
        }
    }
}
