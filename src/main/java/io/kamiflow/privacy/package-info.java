/**
 * Retention of personal data: how long each kind is kept ({@link io.kamiflow.privacy.RetentionSettings},
 * {@code kamiflow.retention.*}) and the erasure in bounded batches that the timer-start process "Forget personal
 * data" runs ({@link io.kamiflow.privacy.PersonalDataRetention}). It reads and writes the domain tables by SQL and
 * asks the engine's runtime tables whether an order still has work; it imports no other room, so every room may use it.
 */
package io.kamiflow.privacy;
