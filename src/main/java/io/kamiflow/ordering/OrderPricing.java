package io.kamiflow.ordering;

import java.time.Instant;
import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.OfferCopies;
import io.kamiflow.catalog.PriceTiers;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.ordering.coupons.CouponRedemptions;
import io.kamiflow.web.Problems;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one price computation of an order: the product and quantity checked, the wholesale tier reached (else the list
 * price) times the quantity, then the coupon. Checkout ({@link OrderPlacement}) takes the coupon's use under its row
 * lock; the buy form's quote ({@link #quote}) checks the same rules without lock or use, so the figure the buyer sees
 * is the one checkout then charges, unless the coupon ran out meanwhile.
 */
@Component
public class OrderPricing {

    /** @param coupon the coupon checked for this order, null when none was given */
    public record Priced(Product product, int quantity, Money unitPrice, Money subtotal,
                         CouponRedemptions.Applied coupon) {
        public Money discount() {
            return coupon == null ? new Money(0, subtotal.currency()) : coupon.discount();
        }

        public Money amount() {
            return coupon == null ? subtotal : coupon.total();
        }
    }

    private final ProductRepository products;
    private final OfferCopies offers;
    private final PriceTiers tiers;
    private final CouponRedemptions coupons;
    private final OrderingProperties properties;

    OrderPricing(ProductRepository products, PriceTiers tiers, CouponRedemptions coupons, OrderingProperties properties,
                 OfferCopies offers) {
        this.offers = offers;
        this.products = products;
        this.tiers = tiers;
        this.coupons = coupons;
        this.properties = properties;
    }

    /**
     * The buy form's preview: what an order of {@code quantity} with {@code coupon} would cost now.
     * @throws org.springframework.web.ErrorResponseException 400 bad quantity, 404 unknown sku or coupon, 409 coupon
     *         that cannot be used (as {@code POST /api/orders} answers)
     */
    @Transactional(readOnly = true)
    public Priced quote(String sku, int quantity, String coupon) {
        checkQuantity(quantity);
        ProductRepository.WithTiers offer = activeOffer(sku);
        checkQuantity(offer.product(), quantity);
        return price(offer, quantity, coupon, null, false);
    }

    /** {@code quantity} of the product without a coupon, unchecked: what a page shows when nothing else applies. */
    public Priced withoutCoupon(Product product, int quantity) {
        return price(new ProductRepository.WithTiers(product, tiers.of(product)), Math.max(1, quantity), null, null, false);
    }

    void checkQuantity(int quantity) {
        if (quantity < 1 || quantity > properties.maxQuantity()) {
            throw Problems.badRequest("quantity must be between 1 and " + properties.maxQuantity());
        }
    }

    /** The visible product with its tiers as the database holds them now (one statement; never a cached copy). */
    ProductRepository.WithTiers activeOffer(String sku) {
        return activeOffer(sku, false);
    }

    /**
     * @param copy true: this node's copy ({@link OfferCopies}), for a caller that checks its version where it writes
     *             ({@link #sameVersion}); false: as the database holds it now
     */
    ProductRepository.WithTiers activeOffer(String sku, boolean copy) {
        return (copy ? offers.active(sku) : products.findActiveBySkuWithTiers(sku))
                .orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
    }

    /** The product as copied is the visible one, at that version, in the snapshot of the order's insert. */
    static final KeyClaimer.Checks SAME_VERSION = new KeyClaimer.Checks(", offer AS (SELECT count(*) > 0 AS is_current"
            + " FROM product WHERE id = :v_product AND version = :v_version AND active)",
            " AND (SELECT is_current FROM offer)",
            Map.of("v_current", "(SELECT is_current FROM offer)"));

    /** {@link #SAME_VERSION}'s parameters for the copied product. */
    static Map<String, Object> sameVersion(Product product) {
        return Map.of("v_product", product.id(), "v_version", product.version());
    }

    /** Whether {@link #SAME_VERSION} held; false: forget the copy ({@link #forgetCopy}) and price from the database. */
    static boolean sameVersion(Map<String, Object> checked) {
        return Boolean.TRUE.equals(checked.get("v_current"));
    }

    void forgetCopy(String sku) {
        offers.forget(sku);
    }

    void checkQuantity(Product product, int quantity) {
        int max = product.maxQuantity(properties.maxQuantity());
        if (quantity < product.minQuantity() || quantity > max) {
            throw Problems.badRequest("quantity must be between " + product.minQuantity() + " and " + max
                    + " for product '" + product.sku() + "'");
        }
    }

    /**
     * @param email the buyer's, for "once per email"; null in a quote (the form does not know it yet)
     * @param take  true at checkout: the coupon's row is locked to the end of the caller's transaction
     */
    Priced price(ProductRepository.WithTiers offer, int quantity, String coupon, String email, boolean take) {
        Product product = offer.product();
        Money unit = PriceTiers.unitPrice(product, offer.tiers(), quantity);
        Money subtotal = unit.times(quantity);
        CouponRedemptions.Applied applied = coupon == null || coupon.isBlank() ? null
                : take ? coupons.apply(coupon, product, subtotal, email, Instant.now())
                : coupons.check(coupon, product, subtotal, Instant.now());
        return new Priced(product, quantity, unit, subtotal, applied);
    }
}
