package io.kamiflow.ordering;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kamiflow.ordering.coupons.CouponCodes;
import io.kamiflow.web.Problems;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The buy form's price as the buyer types: {@link OrderPricing#quote}, the computation checkout charges by. Rate-limited
 * per client address (it tells whether a coupon code exists), answered like {@code POST /api/orders}: 400 bad quantity,
 * 404 unknown product or coupon, 409 a coupon that cannot be used now (problem+json with its {@code reason}).
 */
@RestController
class QuoteController {

    /** Longest sku and coupon accepted before looking anything up (a coupon code has at most 32 characters). */
    private static final int MAX_SKU = 64;
    private static final int MAX_COUPON = 64;

    /**
     * @param unitPrice one key at this quantity (the wholesale tier reached, else the list price)
     * @param subtotal  unitPrice × quantity; amount = subtotal - discount
     * @param coupon    the coupon's code as stored, null without one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Quote(String sku, int quantity, String listPrice, String unitPrice, String subtotal, String discount,
                 String amount, String currency, String coupon) {
    }

    private final OrderPricing pricing;

    QuoteController(OrderPricing pricing) {
        this.pricing = pricing;
    }

    @GetMapping("/api/products/{sku}/quote")
    Quote quote(@PathVariable String sku, @RequestParam(required = false) String quantity,
                @RequestParam(required = false) String coupon) {
        if (sku.length() > MAX_SKU) {
            throw Problems.notFound("no product with that sku");
        }
        int count = parse(quantity);
        if (coupon != null && coupon.length() > MAX_COUPON) {
            throw Problems.badRequest("coupon: at most " + MAX_COUPON + " characters");
        }
        OrderPricing.Priced priced = pricing.quote(sku.strip(), count, coupon);
        String currency = priced.subtotal().currency();
        return new Quote(priced.product().sku(), count, priced.product().price().amount(), priced.unitPrice().amount(),
                priced.subtotal().amount(), priced.discount().amount(), priced.amount().amount(), currency,
                priced.coupon() == null ? null : CouponCodes.normalize(priced.coupon().code()));
    }

    private static int parse(String quantity) {
        if (quantity == null || quantity.isBlank()) {
            throw Problems.badRequest("quantity is required");
        }
        try {
            return Integer.parseInt(quantity.strip());
        } catch (NumberFormatException e) {
            throw Problems.badRequest("quantity must be a whole number");
        }
    }
}
