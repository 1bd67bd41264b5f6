package io.kamiflow.catalog;

public record Product(long id, String sku, String name, Money price, int lowStockThreshold, boolean active) {
}
