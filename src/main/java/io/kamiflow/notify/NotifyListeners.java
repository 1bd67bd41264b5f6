package io.kamiflow.notify;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.LowStock;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderFields;
import io.kamiflow.ordering.OrderPaid;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns the domain's events into notifications, in the transaction that published them. What each carries is what
 * the event needs and no more: never a key, never the buyer's access token; the buyer's email and input fields only to
 * the product's own hook, which needs them to top up the right account.
 */
@Component
class NotifyListeners {

    private final Notifications notifications;
    private final ProductRepository products;
    private final OrderFields fields;

    NotifyListeners(Notifications notifications, ProductRepository products, OrderFields fields) {
        this.notifications = notifications;
        this.fields = fields;
        this.products = products;
    }

    @EventListener
    public void onOrderPaid(OrderPaid paid) {
        Order order = paid.order(); // read under its lock in this transaction
        NotifyTargets.PaidReceivers receivers = notifications.paidReceivers(order.productId());
        if (receivers.none()) {
            return; // nobody listens: neither the product nor the buyer's fields are read
        }
        Product product = products.getById(order.productId());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orderNo", order.orderNo());
        data.put("sku", product.sku());
        data.put("quantity", order.quantity());
        data.put("amount", order.amount().amount());
        data.put("currency", order.amount().currency());
        data.put("channel", order.channel());
        notifications.publishTo(receivers.paid(), NotifyEvent.ORDER_PAID, data);
        Map<String, Object> hook = new LinkedHashMap<>(data);
        hook.put("email", order.buyerEmail());
        // what the buyer filled in at checkout (stored in clear, as support reads it): only hand-fulfilled products ask
        hook.put("fields", product.byHand() ? fields.of(order.id()) : Map.of());
        notifications.publishTo(receivers.hooks(), NotifyEvent.PRODUCT_HOOK, hook);
    }

    /** Once per dip (the monitor flips the product's flag first), in the transaction that took the stock. */
    @EventListener
    public void onLowStock(LowStock low) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sku", low.sku());
        data.put("available", low.available());
        data.put("threshold", low.threshold());
        notifications.publish(NotifyEvent.LOW_STOCK, data);
    }
}
