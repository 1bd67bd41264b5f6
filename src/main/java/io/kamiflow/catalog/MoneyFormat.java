package io.kamiflow.catalog;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** An amount as a person reads it: in its own currency, written the way the language writes money (¥9.00, CN¥9.00). */
public final class MoneyFormat {

    private MoneyFormat() {
    }

    public static String format(Money money, Locale locale) {
        Currency currency = Currency.getInstance(money.currency());
        NumberFormat format = NumberFormat.getCurrencyInstance(locale);
        format.setCurrency(currency);
        int digits = Math.max(0, currency.getDefaultFractionDigits());
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format.format(new BigDecimal(money.amount()));
    }
}
