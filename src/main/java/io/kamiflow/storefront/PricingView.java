package io.kamiflow.storefront;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.PriceTiers;
import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.coupons.CouponRedemptions;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * What the buyer reads of wholesale tiers and coupons: the tiers on the product page with the total for the chosen
 * quantity (static/js/coupons.js recomputes it as the quantity changes; the server's amount is the one charged), and
 * the list price and discount on the order page.
 */
@Component
class PricingView {

    /** One tier as shown: "from 10: ¥8.00 each". */
    record TierLine(int minQuantity, String unitPrice) {
    }

    private final PriceTiers tiers;
    private final CouponRedemptions coupons;

    PricingView(PriceTiers tiers, CouponRedemptions coupons) {
        this.tiers = tiers;
        this.coupons = coupons;
    }

    void product(Model model, Product product, Integer quantity, Locale locale) {
        List<PriceTiers.Tier> list = tiers.of(product);
        int shown = quantity == null || quantity < 1 ? Math.max(1, product.minQuantity()) : quantity;
        model.addAttribute("tiers", list.stream()
                .map(t -> new TierLine(t.minQuantity(), Prices.format(t.unitPrice(), locale))).toList());
        model.addAttribute("total", Prices.format(PriceTiers.unitPrice(product, list, shown).times(shown), locale));
        // "1:1000;10:800": the unit prices from each quantity on, in minor units, for the script
        model.addAttribute("priceSteps", "1:" + product.price().minor() + list.stream()
                .map(t -> ";" + t.minQuantity() + ":" + t.unitPrice().minor()).collect(Collectors.joining()));
        model.addAttribute("priceCurrency", product.price().currency());
        model.addAttribute("priceDigits", java.util.Currency.getInstance(product.price().currency()).getDefaultFractionDigits());
    }

    void order(Model model, Order order, Locale locale) {
        coupons.ofOrder(order.id()).ifPresent(used -> {
            model.addAttribute("couponCode", used.code());
            model.addAttribute("listAmount", Prices.format(used.subtotal(), locale));
            model.addAttribute("discount", Prices.format(new Money(used.discount().minor(), used.discount().currency()), locale));
        });
    }
}
