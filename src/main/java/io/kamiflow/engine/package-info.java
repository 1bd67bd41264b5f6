/**
 * How Camunda runs here: the job executor's settings, the immediate hand-over of jobs to the node that created
 * them and the shutdown that unlocks them, lean history, engine plugins, the startup lock and Flyway's
 * migrations before the engine. Depends on {@code fulfillment} for the names of its variables; the domain never
 * depends on it.
 */
package io.kamiflow.engine;
