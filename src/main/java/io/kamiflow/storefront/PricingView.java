package io.kamiflow.storefront;

import java.util.List;
import java.util.Locale;

import io.kamiflow.catalog.CatalogueCache;
import io.kamiflow.catalog.PriceTiers;
import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderPricing;
import io.kamiflow.ordering.OrderPrices;
import io.kamiflow.ordering.OrderingProperties;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;

/**
 * What the buyer reads of wholesale tiers and coupons: the tiers on the product page with the unit price, discount and
 * total for the chosen quantity and coupon (static/js/coupons.js asks GET /api/products/{sku}/quote as they change:
 * the same computation as checkout's), and the unit price, list amount, discount and amount on the order page.
 */
@Component
class PricingView {

    /** One tier as shown: "from 10: ¥8.00 each". */
    record TierLine(int minQuantity, String unitPrice) {
    }

    private final CatalogueCache catalogue;
    private final OrderPricing pricing;
    private final OrderPrices prices;
    private final OrderingProperties ordering;

    PricingView(CatalogueCache catalogue, OrderPricing pricing, OrderPrices prices, OrderingProperties ordering) {
        this.catalogue = catalogue;
        this.pricing = pricing;
        this.prices = prices;
        this.ordering = ordering;
    }

    /**
     * The buy form's prices for the quantity and coupon it shows, from {@link OrderPricing} (what checkout charges): a
     * page without JavaScript reads them after each post; coupons.js then asks the quote endpoint as the buyer types.
     * A coupon that cannot be used is left out here (the form says why); a quantity out of range shows the smallest.
     */
    void product(Model model, Product product, Integer quantity, String coupon, Locale locale) {
        // the tiers from the node's copy of the catalogue (at most its TTL old); checkout and the quote read the database
        List<PriceTiers.Tier> list = catalogue.current().tiers(product);
        int min = Math.max(1, product.minQuantity());
        int shown = quantity == null || quantity < min ? min : quantity;
        model.addAttribute("tiers", list.stream()
                .map(t -> new TierLine(t.minQuantity(), Prices.format(t.unitPrice(), locale))).toList());
        OrderPricing.Priced priced = coupon == null || coupon.isBlank() ? withoutCoupon(product, list, shown, min)
                : quote(product, shown, coupon).orElseGet(() -> quote(product, shown, null)
                        .orElseGet(() -> pricing.withoutCoupon(product, min)));
        model.addAttribute("unitPrice", Prices.format(priced.unitPrice(), locale));
        model.addAttribute("tierApplied", priced.unitPrice().minor() < product.price().minor());
        model.addAttribute("subtotal", Prices.format(priced.subtotal(), locale));
        model.addAttribute("formCoupon", priced.coupon() == null ? null : priced.coupon().code());
        model.addAttribute("formDiscount", priced.coupon() == null ? null : Prices.format(priced.discount(), locale));
        model.addAttribute("total", Prices.format(priced.amount(), locale));
        model.addAttribute("priceCurrency", product.price().currency());
        model.addAttribute("priceDigits", java.util.Currency.getInstance(product.price().currency()).getDefaultFractionDigits());
    }

    /** What the quote answers without a coupon, from the tiers at hand: the quantity shown, or the least if out of range. */
    private OrderPricing.Priced withoutCoupon(Product product, List<PriceTiers.Tier> list, int shown, int min) {
        boolean inRange = shown <= ordering.maxQuantity() && shown <= product.maxQuantity(ordering.maxQuantity());
        int quantity = inRange ? shown : min;
        var unit = PriceTiers.unitPrice(product, list, quantity);
        return new OrderPricing.Priced(product, quantity, unit, unit.times(quantity), null);
    }

    private java.util.Optional<OrderPricing.Priced> quote(Product product, int quantity, String coupon) {
        try {
            return java.util.Optional.of(pricing.quote(product.sku(), quantity, coupon));
        } catch (ErrorResponseException refused) {
            return java.util.Optional.empty();
        }
    }

    void order(Model model, Order order, Locale locale) {
        OrderPrices.Breakdown breakdown = prices.of(order);
        model.addAttribute("price", breakdown.text(locale));
        if (breakdown.discounted()) {
            model.addAttribute("couponCode", breakdown.coupon());
            model.addAttribute("listAmount", Prices.format(breakdown.subtotal(), locale));
            model.addAttribute("discount", Prices.format(breakdown.discount(), locale));
        }
    }
}
