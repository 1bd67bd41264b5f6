package io.kamiflow.catalog;

/** @param version what the admin API's If-Match names: one more with every change of the admin's fields */
public record Product(long id, String sku, String name, Money price, int lowStockThreshold, boolean active, long version) {
}
