/**
 * Merchant notifications: what the owner should hear of (a paid order, a product's hook, low stock, a task past its
 * SLA, an incident, an invariant violation) told to the targets the owner chose (signed webhooks, Telegram, the admin
 * mail). Each event is recorded as one delivery row per target in the transaction of the change it reports and sent
 * by a {@code notify-delivery} instance through the remote call worker after that commit: never lost, never sent for a
 * change rolled back, retried with backoff across node crashes. Listens to the domain's events; nothing in the domain
 * knows it.
 */
package io.kamiflow.notify;
