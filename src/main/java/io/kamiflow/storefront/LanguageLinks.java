package io.kamiflow.storefront;

import java.util.Map;

import io.kamiflow.web.LanguageSwitch;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The language switch on every storefront page: the same page (its order token included), another ?lang=. */
@ControllerAdvice(assignableTypes = {StorefrontController.class, FindOrderController.class,
        OrderListController.class})
class LanguageLinks {

    @ModelAttribute("languageLinks")
    Map<String, String> languageLinks() {
        return LanguageSwitch.links();
    }
}
