package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.delivery.AdminAlerts;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.springframework.stereotype.Component;

/**
 * Mail admin (process admin-alert, topic mail-admin): the mail to the shop's admin address, sent with no transaction
 * open; its own retries, and a failure is an incident of the alert only, never on the order's path.
 */
@Component
class MailAdminCall implements RemoteCall {

    static final String TOPIC = "mail-admin";
    static final String PROCESS_KEY = "admin-alert";
    static final String ALERT_KIND = "alertKind";

    private final OrderRepository orders;
    private final ProductRepository products;
    private final AdminAlerts alerts;

    MailAdminCall(OrderRepository orders, ProductRepository products, AdminAlerts alerts) {
        this.orders = orders;
        this.products = products;
        this.alerts = alerts;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        Object kind = task.variables().get(ALERT_KIND);
        if (!MarkAwaitingStockDelegate.ALERT_ORDER_PARKED.equals(kind)) {
            throw new IllegalStateException("unknown admin alert kind " + kind);
        }
        Order order = orders.findByOrderNo(task.businessKey())
                .orElseThrow(() -> new IllegalStateException("admin alert names no order (" + task.businessKey() + ")"));
        alerts.sendOrderParked(order.orderNo(), products.getById(order.productId()).sku(), order.quantity());
        return Completion.with(Map.of());
    }
}
