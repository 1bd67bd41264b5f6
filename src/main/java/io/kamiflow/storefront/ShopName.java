package io.kamiflow.storefront;

import java.util.Locale;

import io.kamiflow.catalog.ShopProfiles;
import org.springframework.context.MessageSource;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The shop's name in the header and title of every storefront page: the owner's, else the default (shop.name). */
@ControllerAdvice(assignableTypes = {StorefrontController.class, FindOrderController.class, OrderListController.class})
class ShopName {

    private final ShopProfiles profiles;
    private final MessageSource messages;

    ShopName(ShopProfiles profiles, MessageSource messages) {
        this.profiles = profiles;
        this.messages = messages;
    }

    @ModelAttribute("shopName")
    String shopName(Locale locale) {
        String name = profiles.current().name(locale);
        return name != null ? name : messages.getMessage("shop.name", null, locale);
    }
}
