package io.kamiflow.catalog;

import java.util.Locale;

/** A group of the catalogue: {@code slug} names it in URLs and the admin API, {@code position} orders the groups. */
public record Category(long id, String slug, String nameEn, String nameZh, int position) {

    /** The name in the buyer's language: Chinese for zh when there is one, else the English name. */
    public String name(Locale locale) {
        return Product.chinese(locale) && nameZh != null && !nameZh.isBlank() ? nameZh : nameEn;
    }
}
