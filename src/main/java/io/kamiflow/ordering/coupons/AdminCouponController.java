package io.kamiflow.ordering.coupons;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The admin API of coupons: create, list, read (with its uses so far) and change limits, validity or disable. */
@RestController
class AdminCouponController {

    /** A coupon; skus is absent for a coupon that is for all products, maxUses and usesLeft when unlimited. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CouponView(String code, Integer percentOff, String amountOff, String currency, List<String> skus,
                      Integer maxUses, long uses, Long usesLeft, boolean oncePerEmail, String validFrom,
                      String validUntil, boolean disabled, String createdAt) {
        static CouponView of(Coupon c) {
            return new CouponView(c.code(), c.percentOff(), c.amountOff() == null ? null : c.amountOff().amount(),
                    c.amountOff() == null ? null : c.amountOff().currency(), c.allProducts() ? null : c.skus(),
                    c.maxUses(), c.uses(), c.usesLeft(), c.oncePerEmail(), text(c.validFrom()), text(c.validUntil()),
                    c.disabled(), text(c.createdAt()));
        }

        private static String text(Instant instant) {
            return instant == null ? null : instant.toString();
        }
    }

    private final CouponChanges changes;

    AdminCouponController(CouponChanges changes) {
        this.changes = changes;
    }

    @PostMapping("/api/admin/coupons")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a coupon: code (case-insensitive), percentOff (1-100) or amountOff (decimal string) with "
            + "currency, skus (absent: all products), maxUses (absent: no limit), oncePerEmail, validFrom, validUntil (ISO-8601)",
            responses = {
                    @ApiResponse(responseCode = "201", description = "the coupon as stored, its code upper case"),
                    @ApiResponse(responseCode = "400", description = "a field is missing or invalid; the detail names it"),
                    @ApiResponse(responseCode = "409", description = "a coupon with this code exists")})
    CouponView create(@RequestBody CouponChanges.NewCoupon request) {
        return CouponView.of(changes.create(request));
    }

    @GetMapping("/api/admin/coupons")
    @Operation(summary = "Every coupon, newest first, with its uses so far")
    List<CouponView> list() {
        return changes.list().stream().map(CouponView::of).toList();
    }

    @GetMapping("/api/admin/coupons/{code}")
    @Operation(summary = "One coupon with its uses so far (orders that used it and did not expire or get cancelled unpaid)",
            responses = @ApiResponse(responseCode = "404", description = "no coupon with this code"))
    CouponView get(@PathVariable String code) {
        return CouponView.of(changes.get(code));
    }

    @PatchMapping("/api/admin/coupons/{code}")
    @Operation(summary = "Change maxUses, oncePerEmail, validFrom, validUntil (\"\" removes), skus ([] all products), "
            + "disabled or unlimited (true removes maxUses); absent fields stay. Kind and amount never change",
            responses = {
                    @ApiResponse(responseCode = "200", description = "the coupon as stored now"),
                    @ApiResponse(responseCode = "400", description = "a field is invalid; the detail names it"),
                    @ApiResponse(responseCode = "404", description = "no coupon with this code"),
                    @ApiResponse(responseCode = "409", description = "maxUses below the uses already counted")})
    CouponView change(@PathVariable String code, @RequestBody CouponChanges.CouponPatch patch) {
        return CouponView.of(changes.change(code, patch));
    }
}
