package io.kamiflow.delivery;

import java.util.Locale;

/**
 * The shop's name as a buyer reads it in a mail's subject and body, in the mail's language. The default
 * (MailSenderConfig) is {@code kamiflow.delivery.shop-name} when set, else the message bundles'
 * {@code shop.name}; the shop's own settings replace it with a bean of their own.
 */
public interface ShopName {

    String name(Locale locale);
}
