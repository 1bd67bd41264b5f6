/**
 * The embedded default's helpers, on only while {@code kamiflow.dev.enabled}: the sample product and keys, the
 * readable mail sink, and the sandbox "pay now" button. A top room: may use anything, nothing uses it.
 */
package io.kamiflow.dev;
