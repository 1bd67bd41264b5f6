package io.kamiflow.ordering.coupons;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Checkout refused the buyer's coupon: 404 for an unknown code, 409 for one that cannot be used for this order.
 * {@code reason} lets a page say so in the buyer's language (unknown, disabled, notYetValid, expired, notForProduct,
 * usedUp, usedByEmail).
 */
public final class CouponRefused extends ErrorResponseException {

    private final String reason;

    CouponRefused(HttpStatus status, String reason, String detail) {
        super(status, ProblemDetail.forStatusAndDetail(status, detail), null);
        this.reason = reason;
        getBody().setProperty("reason", reason); // what a client shows in its own words (the buy form does)
    }

    static CouponRefused conflict(String reason, String detail) {
        return new CouponRefused(HttpStatus.CONFLICT, reason, detail);
    }

    public String reason() {
        return reason;
    }
}
