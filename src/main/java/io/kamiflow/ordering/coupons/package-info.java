/**
 * Coupons: the admin's codes (percent or fixed amount off, for all products or some, valid from/until, a total
 * number of uses, once per email) and their redemptions, one row per order that used one. A use is taken under the
 * coupon's row lock at checkout and given back when the order expires or is cancelled, so a coupon is never used more
 * often than its limit however many buyers race for it. Used by {@code ordering}'s checkout; depends on
 * {@code catalog} and the foundation rooms only.
 */
package io.kamiflow.ordering.coupons;
