package io.kamiflow.ordering.coupons;

import java.time.Instant;
import java.util.List;

import io.kamiflow.catalog.Money;

/**
 * A coupon as stored, with its uses so far (redemptions not given back).
 *
 * @param percentOff 1-100, or null for an amount off
 * @param amountOff the fixed amount off one order, or null for a percentage
 * @param maxUses how many orders may use it, null: no limit
 * @param skus the products it is for, empty when {@code allProducts}
 */
public record Coupon(long id, String code, Integer percentOff, Money amountOff, Integer maxUses, boolean oncePerEmail,
                     Instant validFrom, Instant validUntil, boolean disabled, boolean allProducts, List<String> skus,
                     long uses, Instant createdAt) {

    /** What an admin reads of its kind: "10%" or "5.00 CNY". */
    public String describe() {
        return percentOff != null ? percentOff + "%" : amountOff.amount() + " " + amountOff.currency();
    }

    /** Uses left, null when unlimited. */
    public Long usesLeft() {
        return maxUses == null ? null : Math.max(0, maxUses - uses);
    }
}
