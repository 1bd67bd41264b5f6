/**
 * The Orders view in Camunda Cockpit: search, the per-order timeline (checkout, payment, claim, mails, process
 * history) and who may open it. A top room: reads the domain's tables; the back office
 * shows the same search and timeline (OrderSearch, OrderTimeline), so both tell one story.
 */
package io.kamiflow.cockpit;
