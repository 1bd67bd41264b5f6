/**
 * The Orders view in Camunda Cockpit: search, the per-order timeline (checkout, payment, claim, mails, process
 * history) and who may open it. A top room: reads the domain's tables, nothing uses it.
 */
package io.kamiflow.cockpit;
