/**
 * The process orchestration: the {@code order-fulfillment} process and its periodic companions, their thin
 * delegates (named after their BPMN activity), process start and message correlation, the key mail queue, task
 * form checks, and the admin commands (resend, refund) that drive running instances. Above every domain room;
 * nothing in the domain depends on it.
 */
package io.kamiflow.fulfillment;
