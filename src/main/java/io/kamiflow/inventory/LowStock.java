package io.kamiflow.inventory;

/**
 * Published inside the transaction that took a product's stock below its threshold, once per dip (the product's
 * alert flag is already flipped). A listener that fails to tell anyone calls {@link #rearm} so the next claim
 * tries again.
 */
public record LowStock(String sku, long available, int threshold, Runnable rearm) {
}
