package io.kamiflow.fulfillment;

import io.kamiflow.inventory.StockService;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import org.camunda.bpm.engine.RuntimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * When keys arrive, parked orders resume oldest payment first, as many as the new stock can serve;
 * the rest keep waiting. Runs after the keys' transaction committed ({@link RestockRelay}), in a transaction of its
 * own: a resumed order is set back to PAID and its process moves on from "Stock replenished" in a job.
 */
@Component
class RestockResumer {

    private static final Logger log = LoggerFactory.getLogger(RestockResumer.class);

    private final OrderRepository orders;
    private final StockService stock;
    private final RuntimeService runtime;

    RestockResumer(OrderRepository orders, StockService stock, RuntimeService runtime) {
        this.orders = orders;
        this.stock = stock;
        this.runtime = runtime;
    }

    @Transactional
    public void resume(long productId, String sku) {
        long available = stock.available(productId);
        int resumed = 0;
        for (Order order : orders.lockAwaitingStock(productId, (int) Math.min(available, 10_000))) {
            if (order.quantity() > available) {
                break; // oldest first: a younger, smaller order does not jump the queue
            }
            boolean waiting = !runtime.createMessageCorrelation(ProcessVariables.MSG_STOCK_REPLENISHED)
                    .processInstanceBusinessKey(order.orderNo())
                    .correlateAllWithResult().isEmpty();
            if (waiting) {
                orders.transition(order.id(), OrderStatus.PAID, OrderStatus.AWAITING_STOCK);
                available -= order.quantity();
                resumed++;
            }
        }
        if (resumed > 0) {
            log.info("restock of {}: resumed {} parked orders", sku, resumed);
        }
    }

}
