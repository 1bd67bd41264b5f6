/**
 * The card keys: import and generate, encrypt at rest and fingerprint, claim ({@code FOR UPDATE SKIP LOCKED}),
 * reserve and release, reveal records, stock counts (also in the admin's product list) and low-stock detection.
 * Publishes {@code StockAdded} and {@code LowStock} events instead of calling the rooms that act on them. Depends on
 * {@code catalog} and the foundation rooms.
 */
package io.kamiflow.inventory;
