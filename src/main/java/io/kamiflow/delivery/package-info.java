/**
 * Mail: the key mail and its attempts, the order-link mail (buyer mails from templates/mail/, HTML and text in the
 * order's language, with the shop's {@link io.kamiflow.delivery.ShopName}; see {@link io.kamiflow.delivery.MailTemplates}),
 * alerts to the shop's admin, the reusing SMTP sender and how mail failures are classified. Depends on {@code ordering}, {@code inventory}, {@code catalog} and the
 * foundation rooms.
 */
package io.kamiflow.delivery;
