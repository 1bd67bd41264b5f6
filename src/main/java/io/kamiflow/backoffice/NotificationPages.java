package io.kamiflow.backoffice;

import java.net.URI;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.notify.Notifications;
import io.kamiflow.notify.NotifyDeliveries;
import io.kamiflow.notify.NotifyEvent;
import io.kamiflow.notify.NotifySettings;
import io.kamiflow.notify.NotifyTargets;
import io.kamiflow.ops.AuditLog;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The owner's notifications: the targets (webhooks, product hooks, Telegram, the admin mail), which events each
 * receives, their last deliveries with status, attempts and next retry, and "send test". A webhook's secret is shown
 * once, on the page right after its creation (a flash attribute, gone on reload), never again. Every change is
 * audited, by name and events, never by secret.
 */
@Controller
class NotificationPages {

    /** Deliveries listed per target, newest first. */
    static final int LAST_DELIVERIES = 10;

    record TargetView(NotifyTargets.Target target, List<NotifyDeliveries.Delivery> deliveries) {
    }

    private final NotifyTargets targets;
    private final NotifyDeliveries deliveries;
    private final Notifications notifications;
    private final NotifySettings settings;
    private final ProductRepository products;
    private final AuditLog audit;
    private final MessageSource messages;
    private final ZoneId zone;

    NotificationPages(NotifyTargets targets, NotifyDeliveries deliveries, Notifications notifications,
                      NotifySettings settings, ProductRepository products, AuditLog audit, MessageSource messages,
                      BackOfficeSettings backOffice) {
        this.targets = targets;
        this.deliveries = deliveries;
        this.notifications = notifications;
        this.settings = settings;
        this.products = products;
        this.audit = audit;
        this.messages = messages;
        this.zone = backOffice.zone();
    }

    @GetMapping("/admin/notifications")
    String page(Model model, Authentication user, Locale locale) {
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("targets", targets.all().stream()
                .map(target -> new TargetView(target, deliveries.recent(target.id(), LAST_DELIVERIES))).toList());
        model.addAttribute("switchable", NotifyEvent.SWITCHABLE);
        model.addAttribute("kinds", NotifyTargets.Kind.values());
        model.addAttribute("telegramConfigured", settings.telegramConfigured());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("languages", NotifyTargets.LANGUAGES);
        if (!model.containsAttribute("form")) {
            // the owner reads notifications in the language they run the back office in, unless they choose another
            model.addAttribute("form", Map.of("name", "", "url", "", "sku", "", "kind", "WEBHOOK",
                    "language", ownLanguage(locale)));
        }
        return "admin/notifications";
    }

    @PostMapping("/admin/notifications")
    @Transactional
    String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String kind,
                  @RequestParam(defaultValue = "") String url, @RequestParam(defaultValue = "") String sku,
                  @RequestParam(required = false) List<String> events, @RequestParam(required = false) String language,
                  Locale locale, RedirectAttributes redirect) {
        String chosenLanguage = NotifyTargets.isLanguage(language) ? language : ownLanguage(locale);
        Map<String, String> errors = new LinkedHashMap<>();
        String trimmedName = name.trim();
        if (trimmedName.isEmpty() || trimmedName.length() > 100) {
            errors.put("name", text("notify.error.name", locale));
        }
        Optional<NotifyTargets.Kind> parsed = java.util.Arrays.stream(NotifyTargets.Kind.values())
                .filter(value -> value.name().equals(kind)).findFirst();
        if (parsed.isEmpty()) {
            errors.put("kind", text("notify.error.kind", locale));
        }
        NotifyTargets.Kind targetKind = parsed.orElse(NotifyTargets.Kind.WEBHOOK);
        boolean hooked = targetKind == NotifyTargets.Kind.WEBHOOK || targetKind == NotifyTargets.Kind.PRODUCT_HOOK;
        if (hooked && !validUrl(url.trim())) {
            errors.put("url", text("notify.error.url", locale));
        }
        Optional<Product> product = targetKind == NotifyTargets.Kind.PRODUCT_HOOK
                ? products.findBySku(sku.trim()) : Optional.empty();
        if (targetKind == NotifyTargets.Kind.PRODUCT_HOOK && product.isEmpty()) {
            errors.put("sku", text("notify.error.sku", locale));
        } else if (product.isPresent() && targets.all().stream()
                .anyMatch(target -> product.get().id() == (target.productId() == null ? -1 : target.productId()))) {
            errors.put("sku", text("notify.error.skuTaken", locale));
        }
        if (!errors.isEmpty()) {
            redirect.addFlashAttribute("errors", errors);
            redirect.addFlashAttribute("form", Map.of("name", name, "url", url, "sku", sku, "kind", kind,
                    "language", chosenLanguage));
            return "redirect:/admin/notifications#new-target";
        }
        Set<NotifyEvent> chosen = targetKind == NotifyTargets.Kind.PRODUCT_HOOK ? EnumSet.of(NotifyEvent.PRODUCT_HOOK)
                : events(events);
        NotifyTargets.Created created = targets.create(trimmedName, targetKind, hooked ? url.trim() : null,
                product.map(Product::id).orElse(null), chosen, chosenLanguage);
        audit.record("notify.target.create", trimmedName, targetKind + " " + chosen + " in " + chosenLanguage
                + product.map(p -> " for " + p.sku()).orElse("") + (hooked ? " to " + url.trim() : ""));
        redirect.addFlashAttribute("created", created.target().id());
        if (created.secret() != null) {
            redirect.addFlashAttribute("secret", created.secret());
        }
        return "redirect:/admin/notifications#target-" + created.target().id();
    }

    @PostMapping("/admin/notifications/{id}")
    @Transactional
    String update(@PathVariable long id, @RequestParam(required = false) List<String> events,
                  @RequestParam(required = false) String enabled, @RequestParam(required = false) String language,
                  RedirectAttributes redirect) {
        NotifyTargets.Target target = find(id);
        Set<NotifyEvent> chosen = target.kind() == NotifyTargets.Kind.PRODUCT_HOOK ? EnumSet.of(NotifyEvent.PRODUCT_HOOK)
                : events(events);
        String chosenLanguage = NotifyTargets.isLanguage(language) ? language : target.language();
        targets.update(id, chosen, "yes".equals(enabled), chosenLanguage);
        audit.record("notify.target.update", target.name(), (("yes".equals(enabled)) ? "on " : "off ") + chosen
                + " in " + chosenLanguage);
        redirect.addFlashAttribute("saved", id);
        return "redirect:/admin/notifications#target-" + id;
    }

    @PostMapping("/admin/notifications/{id}/test")
    String test(@PathVariable long id, RedirectAttributes redirect) {
        NotifyTargets.Target target = find(id);
        notifications.sendTest(id);
        audit.record("notify.target.test", target.name(), target.kind().name());
        redirect.addFlashAttribute("tested", id);
        return "redirect:/admin/notifications#target-" + id;
    }

    @PostMapping("/admin/notifications/{id}/delete")
    @Transactional
    String delete(@PathVariable long id, @RequestParam(required = false) String confirm, RedirectAttributes redirect) {
        NotifyTargets.Target target = find(id);
        if (!"yes".equals(confirm)) {
            redirect.addFlashAttribute("confirmMissing", id);
            return "redirect:/admin/notifications#target-" + id;
        }
        targets.delete(id);
        audit.record("notify.target.delete", target.name(), target.kind().name());
        return "redirect:/admin/notifications";
    }

    private NotifyTargets.Target find(long id) {
        return targets.get(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private static Set<NotifyEvent> events(List<String> names) {
        Set<NotifyEvent> chosen = EnumSet.noneOf(NotifyEvent.class);
        if (names != null) {
            names.stream().map(NotifyEvent::parse).flatMap(Optional::stream).filter(NotifyEvent.SWITCHABLE::contains)
                    .forEach(chosen::add);
        }
        return chosen;
    }

    private static boolean validUrl(String url) {
        if (url.isEmpty() || url.length() > 2000) {
            return false;
        }
        try {
            URI uri = URI.create(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The back office's language as a target's: Chinese for any zh, else English. */
    private static String ownLanguage(Locale locale) {
        return "zh".equals(locale.getLanguage()) ? "zh-CN" : "en";
    }

    private String text(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }
}
