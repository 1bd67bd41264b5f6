package io.kamiflow.fulfillment;

import java.time.Duration;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Products a person fulfils, as order-fulfillment asks about them through the bean name {@code handFulfilment}: whether
 * the instance's order goes to "Fulfil by hand" instead of Claim keys, and how long that task may wait untouched before
 * it is escalated to kamiflow-admin ({@code kamiflow.by-hand.sla}, ISO-8601, default PT2H).
 */
@Component("handFulfilment")
@ConfigurationProperties("kamiflow.by-hand")
public class HandFulfilment {

    private Duration sla = Duration.ofHours(2);

    private final InstanceOrders orders;
    private final ProductRepository products;

    HandFulfilment(InstanceOrders orders, ProductRepository products) {
        this.orders = orders;
        this.products = products;
    }

    /** ${handFulfilment.byHand(execution)}: the order's product is fulfilled by a person. */
    public boolean byHand(DelegateExecution execution) {
        return byHand(orders.order(execution));
    }

    /** The order's product is fulfilled by a person; for a delegate that has read the instance's order already. */
    boolean byHand(Order order) {
        return products.getById(order.productId()).byHand();
    }

    /** ${handFulfilment.slaIso()}: the boundary timer's duration. */
    public String slaIso() {
        return sla.toString();
    }

    public Duration getSla() {
        return sla;
    }

    public void setSla(Duration sla) {
        if (sla == null || sla.isNegative() || sla.isZero()) {
            throw new IllegalArgumentException("kamiflow.by-hand.sla must be a positive duration");
        }
        this.sla = sla;
    }
}
