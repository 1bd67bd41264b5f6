package io.kamiflow.fulfillment;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.delivery.AdminAlerts;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Alert admin: order parked. Its own job, after the parked state committed; one mail per order. */
@Component
class AlertAdminOrderParkedDelegate implements JavaDelegate {

    private final OrderRepository orders;
    private final ProductRepository products;
    private final AdminAlerts alerts;

    AlertAdminOrderParkedDelegate(OrderRepository orders, ProductRepository products, AdminAlerts alerts) {
        this.orders = orders;
        this.products = products;
        this.alerts = alerts;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Order order = orders.getById(ProcessVariables.orderId(execution));
        alerts.orderParked(order.orderNo(), products.getById(order.productId()).sku(), order.quantity());
    }
}
