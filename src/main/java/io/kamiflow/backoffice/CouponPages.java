package io.kamiflow.backoffice;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.ordering.coupons.Coupon;
import io.kamiflow.ordering.coupons.CouponChanges;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Coupons in the back office: the list with each coupon's uses, a form to create one, and a page to change its
 * limits and validity or to disable it. The same rules as the admin API ({@link CouponChanges}), audited under the
 * back office user; times are entered and shown in the back office's zone.
 */
@Controller
class CouponPages {

    /** The create form as entered; kind is "percent" or "amount", skus comma-separated (empty: all products). */
    record NewForm(String code, String kind, String value, String currency, String skus, String maxUses,
                   Boolean oncePerEmail, String validFrom, String validUntil) {
    }

    /** The edit form: limits, validity and products; kind and amount never change. */
    record EditForm(String maxUses, Boolean oncePerEmail, String validFrom, String validUntil, String skus) {
    }

    private final CouponChanges coupons;
    private final ProductRepository products;
    private final ZoneId zone;

    CouponPages(CouponChanges coupons, ProductRepository products, BackOfficeSettings settings) {
        this.coupons = coupons;
        this.products = products;
        this.zone = settings.zone();
    }

    @GetMapping("/admin/coupons")
    String list(Model model, Authentication user) {
        return listPage(model, user, new NewForm("", "percent", "", "CNY", "", "", false, "", ""), null);
    }

    @PostMapping("/admin/coupons")
    String create(@ModelAttribute NewForm form, Model model, Authentication user, HttpServletResponse response,
                  RedirectAttributes redirect) {
        try {
            boolean percent = !"amount".equals(form.kind());
            Coupon created = coupons.create(new CouponChanges.NewCoupon(form.code(),
                    percent ? number(form.value(), "percent") : null, percent ? null : blankToNull(form.value()),
                    percent ? null : form.currency(), skus(form.skus()), number(form.maxUses(), "maxUses"),
                    Boolean.TRUE.equals(form.oncePerEmail()), time(form.validFrom()), time(form.validUntil())));
            redirect.addFlashAttribute("saved", created.code());
            return "redirect:/admin/coupons";
        } catch (ErrorResponseException refused) {
            response.setStatus(refused.getStatusCode().value());
            return listPage(model, user, form, error(refused));
        }
    }

    @GetMapping("/admin/coupons/{code}")
    String edit(@PathVariable String code, Model model, Authentication user) {
        Coupon coupon = coupons.get(code);
        return editPage(model, user, coupon, new EditForm(coupon.maxUses() == null ? "" : coupon.maxUses().toString(),
                coupon.oncePerEmail(), local(coupon.validFrom()), local(coupon.validUntil()), String.join(", ", coupon.skus())),
                null);
    }

    @PostMapping("/admin/coupons/{code}")
    String save(@PathVariable String code, @ModelAttribute EditForm form, Model model, Authentication user,
                HttpServletResponse response, RedirectAttributes redirect) {
        Coupon coupon = coupons.get(code);
        try {
            Integer maxUses = number(form.maxUses(), "maxUses");
            coupons.change(coupon.code(), new CouponChanges.CouponPatch(maxUses, Boolean.TRUE.equals(form.oncePerEmail()),
                    blankOr(time(form.validFrom())), blankOr(time(form.validUntil())), null, skus(form.skus()),
                    maxUses == null)); // an emptied limit: no limit
            redirect.addFlashAttribute("saved", coupon.code());
            return "redirect:/admin/coupons";
        } catch (ErrorResponseException refused) {
            response.setStatus(refused.getStatusCode().value());
            return editPage(model, user, coupon, form, error(refused));
        }
    }

    @PostMapping("/admin/coupons/{code}/disable")
    String disable(@PathVariable String code, RedirectAttributes redirect) {
        return setDisabled(code, true, redirect);
    }

    @PostMapping("/admin/coupons/{code}/enable")
    String enable(@PathVariable String code, RedirectAttributes redirect) {
        return setDisabled(code, false, redirect);
    }

    private String setDisabled(String code, boolean disabled, RedirectAttributes redirect) {
        Coupon coupon = coupons.change(code, new CouponChanges.CouponPatch(null, null, null, null, disabled, null, null));
        redirect.addFlashAttribute("saved", coupon.code());
        return "redirect:/admin/coupons";
    }

    private String listPage(Model model, Authentication user, NewForm form, String error) {
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("coupons", coupons.list());
        model.addAttribute("skus", products.findAll().stream().map(p -> p.sku()).toList());
        model.addAttribute("form", form);
        model.addAttribute("error", error);
        model.addAttribute("errors", Map.of());
        return "admin/coupons";
    }

    private String editPage(Model model, Authentication user, Coupon coupon, EditForm form, String error) {
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("coupon", coupon);
        model.addAttribute("skus", products.findAll().stream().map(p -> p.sku()).toList());
        model.addAttribute("form", form);
        model.addAttribute("error", error);
        model.addAttribute("errors", Map.of());
        return "admin/coupon";
    }

    private static String error(ErrorResponseException refused) {
        if (refused instanceof CouponChanges.Invalid invalid) {
            return "coupons.admin.error." + invalid.code();
        }
        if (refused instanceof CouponFormError form) {
            return "coupons.admin.error." + form.code;
        }
        return refused.getStatusCode().value() == 404 ? "coupons.admin.error.notFound" : "coupons.admin.error.number";
    }

    private static Integer number(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new CouponFormError("percent".equals(field) ? "percent" : "maxUses");
        }
    }

    /** A form field as the API's: a datetime-local in the back office's zone becomes ISO-8601 with offset. */
    private String time(String local) {
        if (local == null || local.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(local.strip()).atZone(zone).toOffsetDateTime().toString();
        } catch (DateTimeParseException e) {
            throw new CouponFormError("date");
        }
    }

    private String local(Instant instant) {
        return instant == null ? "" : LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MINUTES), zone).toString();
    }

    /** The edit form's empty time removes the bound: the API reads "" so. */
    private static String blankOr(String time) {
        return time == null ? "" : time;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static List<String> skus(String text) {
        return text == null || text.isBlank() ? List.of()
                : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }

    /** A number or time the browser let through that does not parse. */
    private static final class CouponFormError extends ErrorResponseException {
        private final String code;

        CouponFormError(String code) {
            super(HttpStatus.BAD_REQUEST);
            this.code = code;
        }
    }
}
