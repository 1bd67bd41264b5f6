/**
 * Mail: the key mail and its attempts, the order-link mail, alerts to the shop's admin, the reusing SMTP sender
 * and how mail failures are classified. Depends on {@code ordering}, {@code inventory}, {@code catalog} and the
 * foundation rooms.
 */
package io.kamiflow.delivery;
