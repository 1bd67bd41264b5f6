package io.kamiflow.storefront;

import java.net.URI;
import java.util.Map;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The language switch on every storefront page: the same page (its order token included), another ?lang=. */
@ControllerAdvice(assignableTypes = {StorefrontController.class, FindOrderController.class})
class LanguageLinks {

    @ModelAttribute("languageLinks")
    Map<String, String> languageLinks() {
        return Map.of("en", withLanguage("en"), "zh", withLanguage("zh-CN"));
    }

    private static String withLanguage(String language) {
        URI uri = ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("lang", language).build().toUri();
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }
}
