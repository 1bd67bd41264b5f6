package io.kamiflow.inventory;

/** Published inside the transaction that added keys; listeners act after it commits. */
public record StockAdded(long productId, String sku, int added) {
}
