package io.kamiflow.storefront;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

import io.kamiflow.catalog.Money;

/** An amount as a buyer reads it: in its own currency, written the way the page's language writes money. */
final class Prices {

    private Prices() {
    }

    static String format(Money money, Locale locale) {
        Currency currency = Currency.getInstance(money.currency());
        NumberFormat format = NumberFormat.getCurrencyInstance(locale);
        format.setCurrency(currency);
        int digits = Math.max(0, currency.getDefaultFractionDigits());
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format.format(new BigDecimal(money.amount()));
    }
}
