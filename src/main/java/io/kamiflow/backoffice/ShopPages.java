package io.kamiflow.backoffice;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.catalog.Markdown;
import io.kamiflow.catalog.ProductChanges;
import io.kamiflow.catalog.ShopProfile;
import io.kamiflow.catalog.ShopProfiles;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The owner's shop settings: name and announcement in both languages, saved through catalog's {@link ShopProfiles}
 * with the version the form was rendered with (a stale form is refused and shows what is stored now), audited.
 */
@Controller
class ShopPages {

    static final String FORM = "shopForm";

    private final ShopProfiles profiles;
    private final MessageSource messages;

    ShopPages(ShopProfiles profiles, MessageSource messages) {
        this.profiles = profiles;
        this.messages = messages;
    }

    @GetMapping("/admin/shop")
    String shop(Model model, Locale locale) {
        ShopProfile stored = profiles.stored();
        return page(model, stored, form(stored), stored.version(), Map.of(), locale);
    }

    @PostMapping("/admin/shop")
    String save(@RequestParam long version, @Valid @ModelAttribute(FORM) ShopProfiles.ShopEdit form,
                BindingResult binding, Model model, HttpServletResponse response, Locale locale) {
        if (!binding.hasErrors()) {
            try {
                profiles.change(version, form);
                return "redirect:/admin/shop?saved";
            } catch (ProductChanges.InvalidField invalid) {
                binding.addError(new FieldError(FORM, invalid.field(), null, false,
                        new String[] {"shoplook.admin.error." + invalid.code()}, invalid.arguments(),
                        invalid.getBody().getDetail()));
            } catch (ShopProfiles.ChangedSince stale) {
                response.setStatus(HttpStatus.CONFLICT.value());
                model.addAttribute("stale", true);
                return page(model, stale.current(), form(stale.current()), stale.current().version(), Map.of(), locale);
            }
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return page(model, profiles.stored(), form, version, errors(binding, locale), locale);
    }

    private String page(Model model, ShopProfile stored, ShopProfiles.ShopEdit form, long version,
                        Map<String, String> errors, Locale locale) {
        model.addAttribute(FORM, form);
        model.addAttribute("version", version);
        model.addAttribute("errors", errors);
        model.addAttribute("preview", Markdown.html(stored.announcement(locale)));
        return "admin/shop";
    }

    private static ShopProfiles.ShopEdit form(ShopProfile profile) {
        return new ShopProfiles.ShopEdit(profile.nameEn(), profile.nameZh(), profile.announcementEn(),
                profile.announcementZh(), profile.announcementOn());
    }

    /** The first error of each field in the user's language; a too long text says how long it may be. */
    private Map<String, String> errors(BindingResult binding, Locale locale) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (FieldError error : binding.getFieldErrors()) {
            String text = "Size".equals(error.getCode())
                    ? messages.getMessage("shoplook.admin.error.tooLong", new Object[] {max(error.getField())}, locale)
                    : messages.getMessage(error, locale);
            errors.putIfAbsent(error.getField(), text);
        }
        return errors;
    }

    private static int max(String field) {
        return field.startsWith("name") ? ShopProfiles.MAX_NAME : ShopProfiles.MAX_ANNOUNCEMENT;
    }
}
