/**
 * What buyers see: the server-rendered shop pages (catalogue, order form, pay and order pages, find my order) and
 * the JSON catalogue {@code GET /api/products}. A top room: uses the domain, nothing uses it.
 */
package io.kamiflow.storefront;
