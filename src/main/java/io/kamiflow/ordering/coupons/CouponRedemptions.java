package io.kamiflow.ordering.coupons;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Taking and giving back a coupon's uses, in checkout's transaction. {@link #apply} locks the coupon's row and checks
 * it against the order (valid now, for this product, uses left, not used by this email yet), {@link #redeem} writes the
 * order's redemption before the lock is let go at commit: of 50 buyers racing for a 10-use coupon, exactly 10 get it.
 * An order that expires or is cancelled gives its use back ({@link #release}); a paid order keeps it, refunded or not.
 * <p>
 * The discount is computed here only, from the order's subtotal: a percentage rounds half up to the currency's minor
 * unit, an amount off takes at most the subtotal, and either leaves the buyer at least one minor unit (0.01 CNY) to
 * pay, because no gateway opens a trade for nothing.
 */
@Service
public class CouponRedemptions {

    /** A coupon checked for an order, its use not yet written; total = subtotal - discount. */
    public record Applied(long couponId, String code, Money subtotal, Money discount, boolean oncePerEmail) {
        public Money total() {
            return new Money(subtotal.minor() - discount.minor(), subtotal.currency());
        }
    }

    /** What an order used: its coupon, its amount before and the discount. */
    public record Redemption(String code, Money subtotal, Money discount, boolean released) {
    }

    private final CouponRepository coupons;
    private final JdbcClient jdbc;

    CouponRedemptions(CouponRepository coupons, JdbcClient jdbc) {
        this.coupons = coupons;
        this.jdbc = jdbc;
    }

    /**
     * @return the coupon applied to this order, its row locked to the end of the transaction
     * @throws org.springframework.web.ErrorResponseException 404 for an unknown code, 409 when it cannot be used
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Applied apply(String code, Product product, Money subtotal, String email, Instant now) {
        return checked(code, product, subtotal, email, now, true);
    }

    /**
     * The same checks as {@link #apply} without lock and without "once per email" (no address yet): the buy form's
     * preview. Takes nothing: checkout checks again under the lock.
     */
    public Applied check(String code, Product product, Money subtotal, Instant now) {
        return checked(code, product, subtotal, null, now, false);
    }

    private Applied checked(String code, Product product, Money subtotal, String email, Instant now, boolean lock) {
        String normalized = CouponCodes.normalize(code);
        Coupon coupon = (CouponCodes.valid(normalized)
                ? (lock ? coupons.lockByCode(normalized) : coupons.findByCode(normalized)) : Optional.<Coupon>empty())
                .orElseThrow(() -> new CouponRefused(HttpStatus.NOT_FOUND, "unknown", "no coupon with code '" + code.strip() + "'"));
        String name = "coupon '" + coupon.code() + "'";
        if (coupon.disabled()) {
            throw CouponRefused.conflict("disabled", name + " is no longer valid");
        }
        if (coupon.validFrom() != null && now.isBefore(coupon.validFrom())) {
            throw CouponRefused.conflict("notYetValid", name + " is not valid yet: from " + coupon.validFrom());
        }
        if (coupon.validUntil() != null && !now.isBefore(coupon.validUntil())) {
            throw CouponRefused.conflict("expired", name + " has expired: it was valid until " + coupon.validUntil());
        }
        if (!coupon.allProducts() && !coupons.isFor(coupon.id(), product.id())) {
            throw CouponRefused.conflict("notForProduct", name + " is not for product '" + product.sku() + "'");
        }
        if (coupon.amountOff() != null && !coupon.amountOff().currency().equals(subtotal.currency())) {
            throw CouponRefused.conflict("notForProduct", name + " is an amount in " + coupon.amountOff().currency() + " and not for product '"
                    + product.sku() + "', which sells in " + subtotal.currency());
        }
        if (coupon.maxUses() != null && coupon.uses() >= coupon.maxUses()) {
            throw CouponRefused.conflict("usedUp", name + " is used up: all " + coupon.maxUses() + " uses are taken");
        }
        if (coupon.oncePerEmail() && email != null && usedBy(coupon.id(), email)) {
            throw CouponRefused.conflict("usedByEmail", name + " was already used with this email");
        }
        return new Applied(coupon.id(), coupon.code(), subtotal, discount(coupon, subtotal), coupon.oncePerEmail());
    }

    /** Writes the order's use of the coupon {@link #apply} checked, in the same transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void redeem(Applied applied, long orderId, String email) {
        try {
            jdbc.sql("""
                    INSERT INTO coupon_redemption (coupon_id, order_id, email_key, list_minor, discount_minor, currency)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(applied.couponId(), orderId, applied.oncePerEmail() ? emailKey(email) : null,
                            applied.subtotal().minor(), applied.discount().minor(), applied.subtotal().currency())
                    .update();
        } catch (DuplicateKeyException twice) { // the row lock makes this unreachable; the constraint is the backstop
            throw CouponRefused.conflict("usedByEmail", "coupon '" + applied.code() + "' was already used with this email");
        }
    }

    /** The orders' uses go back to their coupons (they expired or were cancelled unpaid). @return how many */
    @Transactional(propagation = Propagation.MANDATORY)
    public int release(List<Long> orderIds) {
        if (orderIds.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                UPDATE coupon_redemption SET released_at = CURRENT_TIMESTAMP, email_key = NULL
                WHERE order_id IN (:ids) AND released_at IS NULL""").param("ids", orderIds).update();
    }

    public Optional<Redemption> ofOrder(long orderId) {
        return jdbc.sql("""
                SELECT c.code, r.list_minor, r.discount_minor, r.currency, r.released_at FROM coupon_redemption r
                JOIN coupon c ON c.id = r.coupon_id WHERE r.order_id = ?""").param(orderId)
                .query((rs, n) -> new Redemption(rs.getString(1), new Money(rs.getLong(2), rs.getString(4).strip()),
                        new Money(rs.getLong(3), rs.getString(4).strip()), rs.getTimestamp(5) != null))
                .optional();
    }

    /** The discount on {@code subtotal}; the buyer always pays at least one minor unit. */
    static Money discount(Coupon coupon, Money subtotal) {
        long off = coupon.percentOff() != null
                ? BigDecimal.valueOf(subtotal.minor()).multiply(BigDecimal.valueOf(coupon.percentOff()))
                        .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP).longValueExact()
                : coupon.amountOff().minor();
        return new Money(Math.max(0, Math.min(off, subtotal.minor() - 1)), subtotal.currency());
    }

    private boolean usedBy(long couponId, String email) {
        return jdbc.sql("SELECT count(*) FROM coupon_redemption WHERE coupon_id = ? AND email_key = ?")
                .params(couponId, emailKey(email)).query(Long.class).single() > 0;
    }

    /** A digest, not the address: "once per email" needs to recognise an email, not to keep it. */
    static String emailKey(String email) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(email.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
