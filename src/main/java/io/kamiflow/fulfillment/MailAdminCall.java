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

    private final UnknownTrades unknownTrades;

    MailAdminCall(OrderRepository orders, ProductRepository products, AdminAlerts alerts, UnknownTrades unknownTrades) {
        this.orders = orders;
        this.products = products;
        this.alerts = alerts;
        this.unknownTrades = unknownTrades;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        Object kind = task.variables().get(ALERT_KIND);
        if (UnknownTrades.ALERT_UNKNOWN_TRADE.equals(kind)) { // business key channel:tradeNo
            String[] subject = task.businessKey().split(":", 2);
            UnknownTrades.Found trade = unknownTrades.find(subject[0], subject[1])
                    .orElseThrow(() -> new IllegalStateException("admin alert names no unknown trade"));
            alerts.sendUnknownTrade(trade.channel(), trade.tradeNo(), trade.orderNo(), trade.amount(), trade.currency(),
                    trade.paidAt());
            return Completion.with(Map.of());
        }
        if (!MarkAwaitingStockDelegate.ALERT_ORDER_PARKED.equals(kind)) {
            throw new IllegalStateException("unknown admin alert kind " + kind);
        }
        Order order = orders.findByOrderNo(task.businessKey())
                .orElseThrow(() -> new IllegalStateException("admin alert names no order (" + task.businessKey() + ")"));
        alerts.sendOrderParked(order.orderNo(), products.getById(order.productId()).sku(), order.quantity());
        return Completion.with(Map.of());
    }
}
