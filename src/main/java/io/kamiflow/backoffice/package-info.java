/**
 * The merchant's back office at {@code /admin}: server-rendered pages (zh-CN and en) for the shop's owner
 * ({@code kamiflow-admin}) and staff ({@code kamiflow-merchant}), with a form login against Camunda's identity service
 * (the same users as Cockpit and Tasklist). A top room: it reads the domain and the engine, and what it changes goes
 * through the domain's services, audited under the user who made the change.
 */
package io.kamiflow.backoffice;
