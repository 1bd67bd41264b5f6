/**
 * What operators see and rely on, as primitives every room may call: the audit log, shop metrics and gauges, the
 * order-number logging context, and the invariant checks run after every test and by "Reconcile orders".
 * Depends only on {@code security} (who the acting user is) and never on the domain.
 */
package io.kamiflow.ops;
