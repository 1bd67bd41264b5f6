package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.IntegrationTest;
import org.junit.jupiter.api.Test;

/** The coupon invariants can fail: rows written past checkout's guards are named, and the promise holds again after. */
class CouponInvariantTest extends IntegrationTest {

    @Test
    void aCouponUsedMoreOftenThanItsLimitIsNamed() {
        setUp("PENDING_PAYMENT", 1000);
        assertThat(invariants.check()).isEmpty();

        jdbc.update("UPDATE coupon SET max_uses = 1"); // past the API, which refuses a limit below the uses

        assertThat(invariants.check()).extracting(OrderInvariants.Violation::toString)
                .anyMatch(v -> v.startsWith("a coupon is used more often than its limit") && v.contains("coupon OVER order INV-1"))
                .anyMatch(v -> v.contains("coupon OVER order INV-2"));
        jdbc.update("UPDATE coupon SET max_uses = 2");
        assertThat(invariants.check()).isEmpty();
    }

    @Test
    void anExpiredOrderStillHoldingItsUseAndAWrongAmountAreNamed() {
        setUp("EXPIRED", 1000);
        assertThat(invariants.check()).extracting(OrderInvariants.Violation::toString)
                .anyMatch(v -> v.startsWith("an expired or cancelled order still holds a coupon use") && v.contains("INV-1"));
        jdbc.update("UPDATE coupon_redemption SET released_at = CURRENT_TIMESTAMP");
        assertThat(invariants.check()).isEmpty();

        jdbc.update("UPDATE customer_order SET amount_minor = 999 WHERE order_no = 'INV-2'");
        assertThat(invariants.check()).extracting(OrderInvariants.Violation::toString)
                .containsExactly("an order's amount is not its price less its coupon's discount: INV-2");
        jdbc.update("UPDATE customer_order SET amount_minor = 1000 WHERE order_no = 'INV-2'");
    }

    /** Two orders of 12.00 with 2.00 off each by coupon OVER (limit 2). */
    private void setUp(String status, long amount) {
        jdbc.update("INSERT INTO product (sku, name, price_minor, currency) VALUES ('INV', 'Invariant', 1200, 'CNY')");
        jdbc.update("INSERT INTO coupon (code, amount_off_minor, currency, max_uses) VALUES ('OVER', 200, 'CNY', 2)");
        for (int i = 1; i <= 2; i++) {
            jdbc.update("""
                    INSERT INTO customer_order (order_no, product_id, quantity, amount_minor, currency, buyer_email,
                                                access_token_hash, channel, status)
                    SELECT ?, id, 1, ?, 'CNY', 'inv@example.com', repeat('0', 64), 'sandbox', ? FROM product""",
                    "INV-" + i, amount, status);
            jdbc.update("""
                    INSERT INTO coupon_redemption (coupon_id, order_id, list_minor, discount_minor, currency)
                    SELECT c.id, o.id, 1200, 200, 'CNY' FROM coupon c, customer_order o WHERE o.order_no = ?""", "INV-" + i);
        }
    }
}
