package io.kamiflow.storefront;

import java.util.Locale;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.MoneyFormat;

/** An amount as a buyer reads it: in its own currency, written the way the page's language writes money. */
final class Prices {

    private Prices() {
    }

    static String format(Money money, Locale locale) {
        return MoneyFormat.format(money, locale);
    }
}
