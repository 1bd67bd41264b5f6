package io.kamiflow.ordering;

import java.util.Locale;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.MoneyFormat;
import io.kamiflow.ordering.coupons.CouponRedemptions;
import org.springframework.stereotype.Component;

/**
 * How an order's amount came about, as stored at checkout: the unit price it was sold at (the wholesale tier reached,
 * else the list price), that times the quantity, the coupon and its discount, and what was (or is to be) paid. Read
 * back, never computed again: the pages and mails show what the gateway was asked for.
 */
@Component
public class OrderPrices {

    /** @param coupon the coupon's code, null when the order used none (then discount is zero) */
    public record Breakdown(int quantity, Money unitPrice, Money subtotal, String coupon, Money discount, Money amount) {

        public boolean discounted() {
            return coupon != null;
        }

        /** The same, written for a reader in {@code locale}. */
        public Text text(Locale locale) {
            return new Text(quantity, MoneyFormat.format(unitPrice, locale), MoneyFormat.format(subtotal, locale), coupon,
                    discounted() ? "-" + MoneyFormat.format(discount, locale) : null, MoneyFormat.format(amount, locale));
        }
    }

    /** A breakdown's amounts as text; discount is null without a coupon, else "-¥1.00". */
    public record Text(int quantity, String unitPrice, String subtotal, String coupon, String discount, String amount) {
    }

    private final CouponRedemptions coupons;

    OrderPrices(CouponRedemptions coupons) {
        this.coupons = coupons;
    }

    public Breakdown of(Order order) {
        Optional<CouponRedemptions.Redemption> used = coupons.ofOrder(order.id());
        Money subtotal = used.map(CouponRedemptions.Redemption::subtotal).orElse(order.amount());
        Money unit = new Money(subtotal.minor() / Math.max(1, order.quantity()), subtotal.currency());
        return new Breakdown(order.quantity(), unit, subtotal, used.map(CouponRedemptions.Redemption::code).orElse(null),
                used.map(CouponRedemptions.Redemption::discount).orElse(new Money(0, subtotal.currency())), order.amount());
    }
}
