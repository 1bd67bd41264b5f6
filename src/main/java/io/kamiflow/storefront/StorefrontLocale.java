package io.kamiflow.storefront;

import java.util.Locale;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

/** English or Simplified Chinese: from Accept-Language until the buyer picks one with ?lang=, then from a cookie. */
@Configuration
class StorefrontLocale implements WebMvcConfigurer {

    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver("kamiflow-lang");
        resolver.setDefaultLocaleFunction(request -> fromAcceptLanguage(request.getHeader("Accept-Language")));
        return resolver;
    }

    /**
     * The first language of the header (in the buyer's order of preference) that the shop speaks: any Chinese variant
     * ({@code zh}, {@code zh-Hans}, {@code zh-SG}, {@code zh-TW}, {@code zh-HK}, ...) gets Simplified Chinese, the only
     * Chinese bundle; any English one English; a header naming neither, or one that does not parse, English.
     */
    static Locale fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return Locale.ENGLISH;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) { // sorted by weight, highest first
                String language = range.getRange().split("-", 2)[0];
                if (language.equals("zh")) {
                    return Locale.SIMPLIFIED_CHINESE;
                }
                if (language.equals("en")) {
                    return Locale.ENGLISH;
                }
            }
        } catch (IllegalArgumentException malformed) {
            // a header that is not a language list: the default
        }
        return Locale.ENGLISH;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        registry.addInterceptor(change).addPathPatterns("/", "/products/**", "/orders/**", "/find-order", "/find-order/**", "/my-orders");
    }
}
