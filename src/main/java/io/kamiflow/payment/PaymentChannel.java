package io.kamiflow.payment;

import java.util.Map;

import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;

/**
 * A payment gateway. Each lives in its own sub-package with its notify endpoint; a channel whose
 * settings are absent is disabled, and then it offers no checkout and its endpoint answers 404.
 */
public interface PaymentChannel {

    String id();

    boolean enabled();

    /** What the buyer's client needs to pay this order (a pay URL, signed form fields, ...). */
    Map<String, Object> checkout(Order order, Product product);
}
