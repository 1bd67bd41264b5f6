package io.kamiflow.catalog;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An amount as a person reads it: in its own currency, written the way the language writes money (¥9.00, CN¥9.00).
 * <p>
 * Building a currency format (locale data, pattern parse, symbols) cost more than formatting with it, and every key
 * mail formats three or four amounts (docs/performance.md): one prototype per language and currency is built once
 * and each call formats with its own clone, as a {@link NumberFormat} is not thread-safe.
 */
public final class MoneyFormat {

    private static final int MAX_PROTOTYPES = 256;
    private static final Map<Prototype, NumberFormat> PROTOTYPES = new ConcurrentHashMap<>();

    private MoneyFormat() {
    }

    public static String format(Money money, Locale locale) {
        Prototype key = new Prototype(locale, money.currency());
        NumberFormat known = PROTOTYPES.get(key);
        NumberFormat format;
        if (known != null) {
            format = (NumberFormat) known.clone();
        } else {
            format = prototype(key);
            if (PROTOTYPES.size() < MAX_PROTOTYPES) { // the locale may come from a request header: bounded
                PROTOTYPES.putIfAbsent(key, (NumberFormat) format.clone());
            }
        }
        return format.format(new BigDecimal(money.amount()));
    }

    private static NumberFormat prototype(Prototype key) {
        Currency currency = Currency.getInstance(key.currency());
        NumberFormat format = NumberFormat.getCurrencyInstance(key.locale());
        format.setCurrency(currency);
        int digits = Math.max(0, currency.getDefaultFractionDigits());
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format;
    }

    private record Prototype(Locale locale, String currency) {
    }
}
