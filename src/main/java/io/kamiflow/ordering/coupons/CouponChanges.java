package io.kamiflow.ordering.coupons;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * An admin's new coupon or change of one, the same rules for the admin API and the back office, audited. A change
 * locks the coupon's row, as checkout does when it takes a use, so a limit is never set below the uses already
 * counted (409), however the two interleave. The kind and amount of a coupon never change: buyers may hold it.
 */
@Service
public class CouponChanges {

    public static final int MAX_SKUS = 100;

    /** A new coupon: {@code percentOff} (1-100) or {@code amountOff} (decimal string) with {@code currency}. */
    public record NewCoupon(String code, Integer percentOff, String amountOff, String currency, List<String> skus,
                            Integer maxUses, Boolean oncePerEmail, String validFrom, String validUntil) {
    }

    /**
     * A change: every absent (null) field keeps what is stored; an empty validFrom/validUntil removes that bound, an
     * empty skus list makes it a coupon for all products, {@code unlimited: true} removes maxUses.
     */
    public record CouponPatch(Integer maxUses, Boolean oncePerEmail, String validFrom, String validUntil,
                              Boolean disabled, List<String> skus, Boolean unlimited) {
    }

    /** A field the shop refuses (400, or 409 for a taken code or a limit below the uses); {@code code} names the rule. */
    public static final class Invalid extends ErrorResponseException {
        private final String field;
        private final String code;

        Invalid(HttpStatus status, String field, String code, String detail) {
            super(status, ProblemDetail.forStatusAndDetail(status, detail), null);
            this.field = field;
            this.code = code;
        }

        public String field() {
            return field;
        }

        public String code() {
            return code;
        }
    }

    private final CouponRepository coupons;
    private final ProductRepository products;
    private final AuditLog audit;

    CouponChanges(CouponRepository coupons, ProductRepository products, AuditLog audit) {
        this.coupons = coupons;
        this.products = products;
        this.audit = audit;
    }

    public List<Coupon> list() {
        return coupons.findAll();
    }

    public Coupon get(String code) {
        String normalized = CouponCodes.normalize(code);
        return coupons.findByCode(normalized == null ? "" : normalized)
                .orElseThrow(() -> Problems.notFound("no coupon with code '" + code + "'"));
    }

    @Transactional
    public Coupon create(NewCoupon request) {
        String code = CouponCodes.normalize(request.code());
        if (!CouponCodes.valid(code)) {
            throw bad("code", "code", "code must be 3-32 letters, digits, '-' or '_'");
        }
        if ((request.percentOff() == null) == blank(request.amountOff())) {
            throw bad("percentOff", "kind", "give either percentOff (1-100) or amountOff with currency, not both or neither");
        }
        Money amountOff = null;
        if (request.percentOff() != null && (request.percentOff() < 1 || request.percentOff() > 100)) {
            throw bad("percentOff", "percent", "percentOff must be from 1 to 100");
        }
        if (request.percentOff() == null) {
            amountOff = amount(request.amountOff(), request.currency());
        } else if (!blank(request.currency())) {
            throw bad("currency", "kind", "currency goes with amountOff only; a percentage applies in any currency");
        }
        Integer maxUses = maxUses(request.maxUses());
        Instant from = instant("validFrom", request.validFrom(), null);
        Instant until = instant("validUntil", request.validUntil(), null);
        checkPeriod(from, until);
        List<Long> productIds = productIds(request.skus());
        if (coupons.findByCode(code).isPresent()) {
            throw new Invalid(HttpStatus.CONFLICT, "code", "taken", "a coupon with code '" + code + "' already exists");
        }
        long id = coupons.insert(code, request.percentOff(), amountOff, maxUses, Boolean.TRUE.equals(request.oncePerEmail()),
                from, until, productIds.isEmpty());
        coupons.setProducts(id, productIds);
        Coupon coupon = coupons.findByCode(code).orElseThrow();
        audit.record("coupon.create", code, summary(coupon));
        return coupon;
    }

    @Transactional
    public Coupon change(String code, CouponPatch patch) {
        String normalized = CouponCodes.normalize(code);
        Coupon coupon = coupons.lockByCode(normalized == null ? "" : normalized)
                .orElseThrow(() -> Problems.notFound("no coupon with code '" + code + "'"));
        Integer maxUses = Boolean.TRUE.equals(patch.unlimited()) ? null
                : patch.maxUses() == null ? coupon.maxUses() : maxUses(patch.maxUses());
        if (maxUses != null && maxUses < coupon.uses()) {
            throw new Invalid(HttpStatus.CONFLICT, "maxUses", "belowUses", "maxUses cannot be " + maxUses + ": coupon '"
                    + coupon.code() + "' is already used " + coupon.uses() + " times");
        }
        Instant from = instant("validFrom", patch.validFrom(), coupon.validFrom());
        Instant until = instant("validUntil", patch.validUntil(), coupon.validUntil());
        checkPeriod(from, until);
        boolean once = patch.oncePerEmail() == null ? coupon.oncePerEmail() : patch.oncePerEmail();
        boolean disabled = patch.disabled() == null ? coupon.disabled() : patch.disabled();
        List<Long> productIds = patch.skus() == null ? null : productIds(patch.skus());
        boolean all = productIds == null ? coupon.allProducts() : productIds.isEmpty();
        coupons.update(coupon.id(), maxUses, once, from, until, disabled, all);
        if (productIds != null) {
            coupons.setProducts(coupon.id(), productIds);
        }
        Coupon changed = coupons.findByCode(coupon.code()).orElseThrow();
        String before = summary(coupon);
        String after = summary(changed);
        if (!before.equals(after)) {
            audit.record("coupon.update", coupon.code(), before + " -> " + after);
        }
        return changed;
    }

    private static String summary(Coupon c) {
        return c.describe() + " off, maxUses " + (c.maxUses() == null ? "none" : c.maxUses()) + ", oncePerEmail "
                + c.oncePerEmail() + ", valid " + Objects.toString(c.validFrom(), "-") + " .. "
                + Objects.toString(c.validUntil(), "-") + ", " + (c.allProducts() ? "all products" : "skus " + c.skus())
                + (c.disabled() ? ", disabled" : "");
    }

    private static Money amount(String amount, String currency) {
        Money money;
        try {
            Money.currency(currency);
        } catch (IllegalArgumentException e) {
            throw bad("currency", "currency", "amountOff needs a currency: " + e.getMessage());
        }
        try {
            money = Money.parse(amount, currency);
        } catch (IllegalArgumentException e) {
            throw bad("amountOff", "amount", "amountOff: " + e.getMessage());
        }
        if (money.minor() <= 0) {
            throw bad("amountOff", "amount", "amountOff must be greater than zero");
        }
        return money;
    }

    private static Integer maxUses(Integer given) {
        if (given != null && (given < 0 || given > 10_000_000)) {
            throw bad("maxUses", "maxUses", "maxUses must be from 0 to 10000000 (leave it out for no limit)");
        }
        return given;
    }

    /** ISO-8601 with an offset ("2026-12-01T00:00:00Z", "...+08:00"); "" removes, null keeps {@code stored}. */
    private static Instant instant(String field, String given, Instant stored) {
        if (given == null) {
            return stored;
        }
        if (given.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(given.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw bad(field, "date", field + " must be an ISO-8601 date-time with offset, like 2026-12-01T00:00:00Z");
        }
    }

    private static void checkPeriod(Instant from, Instant until) {
        if (from != null && until != null && !until.isAfter(from)) {
            throw bad("validUntil", "period", "validUntil must be after validFrom");
        }
    }

    private List<Long> productIds(List<String> skus) {
        if (skus == null) {
            return List.of();
        }
        if (skus.size() > MAX_SKUS) {
            throw bad("skus", "skus", "at most " + MAX_SKUS + " skus");
        }
        List<Long> ids = new ArrayList<>();
        for (String sku : new LinkedHashSet<>(skus)) {
            Product product = sku == null ? null : products.findBySku(sku.strip()).orElse(null);
            if (product == null) {
                throw bad("skus", "skus", "no product with sku '" + sku + "'");
            }
            ids.add(product.id());
        }
        return ids;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static Invalid bad(String field, String code, String detail) {
        return new Invalid(HttpStatus.BAD_REQUEST, field, code, detail);
    }
}
