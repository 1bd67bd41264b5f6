/**
 * How calls over the network run (payment gateways, SMTP): BPMN activities of type external, worked by this node's
 * {@link io.kamiflow.calls.RemoteCallWorker} with no transaction and no pooled connection held while the other side
 * answers. A foundation room: it knows Camunda's external task API, the shutdown budget and the logging context, and
 * none of the domain; the calls themselves ({@link io.kamiflow.calls.RemoteCall}) live with the process that makes them.
 */
package io.kamiflow.calls;
