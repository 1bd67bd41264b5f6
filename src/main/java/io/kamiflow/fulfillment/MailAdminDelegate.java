package io.kamiflow.fulfillment;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.delivery.AdminAlerts;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Mail admin (process admin-alert): its own job and retries; a failure is an incident of the alert only. */
@Component
class MailAdminDelegate implements JavaDelegate {

    static final String PROCESS_KEY = "admin-alert";
    static final String ALERT_KIND = "alertKind";

    private final InstanceOrders orders;
    private final ProductRepository products;
    private final AdminAlerts alerts;

    MailAdminDelegate(InstanceOrders orders, ProductRepository products, AdminAlerts alerts) {
        this.orders = orders;
        this.products = products;
        this.alerts = alerts;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Object kind = execution.getVariable(ALERT_KIND);
        if (!MarkAwaitingStockDelegate.ALERT_ORDER_PARKED.equals(kind)) {
            throw new IllegalStateException("unknown admin alert kind " + kind);
        }
        Order order = orders.order(execution);
        alerts.sendOrderParked(order.orderNo(), products.getById(order.productId()).sku(), order.quantity());
    }
}
