package io.kamiflow.web;

import java.net.URI;
import java.util.Map;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The language switch of a server-rendered page: the same page (its query included), another {@code ?lang=}. */
public final class LanguageSwitch {

    private LanguageSwitch() {
    }

    /** English and Simplified Chinese links to the current request's page. */
    public static Map<String, String> links() {
        return Map.of("en", withLanguage("en"), "zh", withLanguage("zh-CN"));
    }

    private static String withLanguage(String language) {
        URI uri = ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("lang", language).build().toUri();
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }
}
