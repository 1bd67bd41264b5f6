package io.kamiflow.ordering;

import java.time.OffsetDateTime;
import java.util.Locale;

import io.kamiflow.catalog.Money;

/**
 * @param personalDataErasedAt when the retention policy erased the buyer's data (null: kept); buyerEmail is then a placeholder
 * @param language the storefront's language at checkout ('en' or 'zh-CN'); null for API orders and older ones
 */
public record Order(long id, String orderNo, long productId, int quantity, Money amount, String buyerEmail,
                    String accessTokenHash, String channel, OrderStatus status, Long paymentId,
                    OffsetDateTime createdAt, OffsetDateTime paidAt, OffsetDateTime deliveredAt,
                    OffsetDateTime personalDataErasedAt, String language) {

    /** The buyer's language for what the shop tells them later (the key mail): Simplified Chinese or English. */
    public Locale locale() {
        return language != null && language.toLowerCase(Locale.ROOT).startsWith("zh") ? Locale.SIMPLIFIED_CHINESE
                : Locale.ENGLISH;
    }

    /** What an order records of the buyer's language: 'zh-CN' for any Chinese, else 'en'; null stays null. */
    public static String language(Locale locale) {
        return locale == null ? null : "zh".equals(locale.getLanguage()) ? "zh-CN" : "en";
    }

    /** No address to mail, nothing that links the order to a person: it is kept for the accounting only. */
    public boolean personalDataErased() {
        return personalDataErasedAt != null;
    }
}
