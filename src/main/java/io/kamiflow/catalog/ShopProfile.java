package io.kamiflow.catalog;

import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * The shop as the owner presents it: its name and an announcement banner, each in English and Chinese. A buyer reads
 * their language, else the other one; with no name at all the caller shows its default (the message shop.name).
 *
 * @param announcementEn Markdown, null if none
 * @param announcementOn whether the banner shows at all
 * @param version one more with every change; the admin API's ETag
 */
public record ShopProfile(String nameEn, String nameZh, String announcementEn, String announcementZh,
                          boolean announcementOn, long version, OffsetDateTime updatedAt) {

    /** The shop's name in the buyer's language, else in the other one; null when the owner has set none. */
    public String name(Locale locale) {
        return Product.inLanguage(locale, nameEn, nameZh);
    }

    /** The announcement's Markdown in the buyer's language, else the other one; null when off or there is none. */
    public String announcement(Locale locale) {
        return announcementOn ? Product.inLanguage(locale, announcementEn, announcementZh) : null;
    }
}
