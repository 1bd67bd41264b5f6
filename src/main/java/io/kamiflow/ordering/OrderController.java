package io.kamiflow.ordering;

import java.util.List;
import java.util.Map;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kamiflow.catalog.Money;
import io.kamiflow.ordering.coupons.CouponRedemptions;
import io.kamiflow.security.ratelimit.ClientAddress;
import io.kamiflow.web.JsonTimes;
import io.kamiflow.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OrderController {

    record CreateOrder(@NotBlank String sku,
                       @NotNull Integer quantity,
                       @NotBlank @Size(max = 254) @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+", message = "must be a valid email address") String email,
                       @NotBlank String channel,
                       @Size(max = 64) String coupon,
                       Map<String, String> fields) {
    }

    /** @param discount what the coupon took off ("0.00" without one); amount is what is left to pay */
    record OrderCreated(String orderNo, String status, String amount, String currency, String channel,
                        String accessToken, Map<String, Object> payment, String discount) {
    }

    /** @param discount and coupon: present when the order used a coupon */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OrderView(String orderNo, String status, int quantity, String amount, String currency, String channel,
                     String createdAt, List<String> keys, String discount, String coupon, String delivery) {
    }

    private final CheckoutService checkout;
    private final OrderLookupService lookup;
    private final CouponRedemptions coupons;

    OrderController(CheckoutService checkout, OrderLookupService lookup, CouponRedemptions coupons) {
        this.coupons = coupons;
        this.checkout = checkout;
        this.lookup = lookup;
    }

    @PostMapping("/api/orders")
    @ResponseStatus(HttpStatus.CREATED)
    OrderCreated create(@Valid @RequestBody CreateOrder request, HttpServletRequest http) {
        CheckoutService.Checkout result = checkout.checkout(request.sku().strip(), request.quantity(),
                request.email().strip(), request.channel().strip(), ClientAddress.of(http), null, request.coupon(),
                request.fields());
        Order order = result.order();
        Money discount = result.discount() == null ? new Money(0, order.amount().currency()) : result.discount();
        return new OrderCreated(order.orderNo(), order.status().name(), order.amount().amount(),
                order.amount().currency(), order.channel(), result.accessToken(), result.payment(), discount.amount());
    }

    @GetMapping("/api/orders/{orderNo}")
    OrderView get(@PathVariable String orderNo, @RequestHeader(name = "X-Order-Token", required = false) String token) {
        // Wrong number and wrong token get the same answer: the endpoint reveals nothing about which orders exist.
        OrderLookupService.BuyerView view = lookup.lookup(orderNo, token)
                .orElseThrow(() -> Problems.notFound("no order with that number and access token"));
        Order order = view.order();
        Optional<CouponRedemptions.Redemption> coupon = coupons.ofOrder(order.id());
        return new OrderView(order.orderNo(), order.status().name(), order.quantity(), order.amount().amount(),
                order.amount().currency(), order.channel(), JsonTimes.text(order.createdAt()), view.keys(),
                coupon.map(c -> c.discount().amount()).orElse(null), coupon.map(CouponRedemptions.Redemption::code).orElse(null),
                view.delivery());
    }
}
