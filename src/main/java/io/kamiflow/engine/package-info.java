/**
 * How Camunda runs here: the job executor's settings and the shutdown that unlocks its jobs, lean history, engine
 * plugins, the startup lock and Flyway's migrations before the engine. Depends on {@code fulfillment} for the names of its variables; the domain never
 * depends on it.
 */
package io.kamiflow.engine;
