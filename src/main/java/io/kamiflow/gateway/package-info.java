/**
 * One sub-package per payment gateway (Alipay, WeChat Pay v3, Stripe, 易支付, the built-in sandbox): its
 * {@code PaymentChannel}, its notify or webhook endpoint, its signature scheme and settings. Each depends on
 * {@code payment} (the SPI and the recorder), {@code ordering}, {@code catalog} and the foundation rooms; nothing
 * below depends on a gateway.
 */
package io.kamiflow.gateway;
