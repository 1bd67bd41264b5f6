/**
 * Orders: checkout (with reservations and the per-buyer and per-address caps), the buyer's order lookup with its
 * access token, expiry of unpaid orders, order numbers. Names what it needs of payment in
 * {@link io.kamiflow.ordering.PaymentOptions} so that payment, which works on orders, stays above it. Depends on
 * {@code catalog}, {@code inventory}, the foundation rooms and security's client-address API.
 */
package io.kamiflow.ordering;
