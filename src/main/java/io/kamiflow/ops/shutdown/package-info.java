/**
 * How long a node may take to stop ({@code kamiflow.shutdown.budget}) and how that time is split between the steps
 * of its stop: the one number orchestrators size their grace period from. Depends on no other room; the rooms that
 * hold work in progress (key mails, jobs) ask it how long they may wait.
 */
package io.kamiflow.ops.shutdown;
