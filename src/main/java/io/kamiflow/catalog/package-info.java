/**
 * What is for sale: products (SKU, name, price in minor units and currency, low-stock threshold, active flag) and
 * {@link io.kamiflow.catalog.Money}. The bottom of the domain: depends only on the foundation rooms ({@code db},
 * {@code web}, {@code ops} for the audit log).
 */
package io.kamiflow.catalog;
