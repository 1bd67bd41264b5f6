package io.kamiflow.catalog;

import java.util.Locale;

/**
 * @param name the English name, always there
 * @param version what the admin API's If-Match names: one more with every change of the admin's fields
 * @param nameZh the Chinese name, null if none
 * @param descriptionEn Markdown, null if none
 * @param descriptionZh Markdown, null if none
 * @param usageNotesEn how to use the keys, shown with them after payment: Markdown, null if none
 * @param usageNotesZh the same in Chinese
 * @param minQuantity the fewest keys one order may take, at least 1
 * @param maxQuantity the most keys one order may take; the shop's limit caps it ({@link #maxQuantity(int)})
 * @param categoryId its category, null if none
 * @param category the category's slug, null if none
 * @param listPrice the price struck through next to {@code price} (same currency, above it), null if none
 * @param stockDisplay the exact count or only "in stock" in the shop
 * @param kind KEYS (delivered from stock) or BY_HAND (a person fulfils it: no stock, the buyer fills in inputFields)
 * @param inputFields what a buyer of a BY_HAND product fills in at checkout, empty if nothing
 */
public record Product(long id, String sku, String name, Money price, int lowStockThreshold, boolean active, long version,
                      String nameZh, String descriptionEn, String descriptionZh, String usageNotesEn,
                      String usageNotesZh, int minQuantity, int maxQuantity, Long categoryId, String category,
                      Money listPrice, StockDisplay stockDisplay, String kind, java.util.List<InputField> inputFields) {

    public static final String KEYS = "KEYS";
    public static final String BY_HAND = "BY_HAND";

    /** A person fulfils it (人工发货, 代充): no keys, no stock check, a Fulfil by hand task after payment. */
    public boolean byHand() {
        return BY_HAND.equals(kind);
    }

    /** Whether the owner is alerted when stock falls below the threshold (0: never). */
    public boolean watchesLowStock() {
        return lowStockThreshold > 0;
    }

    /** The most one order may take: the product's maximum, no more than the shop's limit. */
    public int maxQuantity(int shopLimit) {
        return Math.min(maxQuantity, shopLimit);
    }

    /** The name in the buyer's language: Chinese for zh when there is one, else the English name. */
    public String name(Locale locale) {
        return chinese(locale) && present(nameZh) ? nameZh : name;
    }

    /** The description's Markdown in the buyer's language, else in the other one; null if there is none. */
    public String description(Locale locale) {
        return inLanguage(locale, descriptionEn, descriptionZh);
    }

    /** The usage notes' Markdown in the buyer's language, else in the other one; null if there are none. */
    public String usageNotes(Locale locale) {
        return inLanguage(locale, usageNotesEn, usageNotesZh);
    }

    static boolean chinese(Locale locale) {
        return locale != null && "zh".equals(locale.getLanguage());
    }

    static String inLanguage(Locale locale, String en, String zh) {
        String first = chinese(locale) ? zh : en;
        String second = chinese(locale) ? en : zh;
        return present(first) ? first : present(second) ? second : null;
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }
}
