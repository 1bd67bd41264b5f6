package io.kamiflow.privacy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * How long each kind of personal data is kept, counted from when it stops being needed (the order ended, the notice
 * arrived, the attempt was made, the admin acted), and how "Forget personal data" runs. The process reads the cycle
 * through the bean name ({@code ${retentionSettings.cycle}}), like the other periodic processes. An order that still
 * has work keeps everything, however old (see {@link PersonalDataRetention}). The table in docs explains each default.
 */
@Component("retentionSettings")
@ConfigurationProperties("kamiflow.retention")
public class RetentionSettings {

    /** Timer cycle of "Forget personal data". */
    private String cycle = "R/PT1H";
    /** Rows of each kind one batch (one job, one transaction) changes at most; a full batch runs another. */
    private int batchSize = 500;
    /** The buyer's email on a paid order (and on its delivery attempts), after the order ended. */
    private Duration buyerEmail = Duration.ofDays(90);
    /** The client address recorded at checkout, after the order ended. */
    private Duration clientAddress = Duration.ofDays(30);
    /** Email and client address of an order that was never paid, after it expired or was cancelled. */
    private Duration unpaidOrder = Duration.ofDays(7);
    /** The gateway's raw notice on a payment row (it may name the payer), after it arrived. */
    private Duration gatewayNotice = Duration.ofDays(30);
    /** The error text of a delivery attempt, after the attempt. */
    private Duration deliveryError = Duration.ofDays(30);
    /** The free-text detail of an audit event (who, what and which order stay), after the event. */
    private Duration auditDetail = Duration.ofDays(365);

    public String getCycle() {
        return cycle;
    }

    public void setCycle(String cycle) {
        this.cycle = cycle;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("kamiflow.retention.batch-size must be at least 1");
        }
        this.batchSize = batchSize;
    }

    public Duration getBuyerEmail() {
        return buyerEmail;
    }

    public void setBuyerEmail(Duration buyerEmail) {
        this.buyerEmail = positive("buyer-email", buyerEmail);
    }

    public Duration getClientAddress() {
        return clientAddress;
    }

    public void setClientAddress(Duration clientAddress) {
        this.clientAddress = positive("client-address", clientAddress);
    }

    public Duration getUnpaidOrder() {
        return unpaidOrder;
    }

    public void setUnpaidOrder(Duration unpaidOrder) {
        this.unpaidOrder = positive("unpaid-order", unpaidOrder);
    }

    public Duration getGatewayNotice() {
        return gatewayNotice;
    }

    public void setGatewayNotice(Duration gatewayNotice) {
        this.gatewayNotice = positive("gateway-notice", gatewayNotice);
    }

    public Duration getDeliveryError() {
        return deliveryError;
    }

    public void setDeliveryError(Duration deliveryError) {
        this.deliveryError = positive("delivery-error", deliveryError);
    }

    public Duration getAuditDetail() {
        return auditDetail;
    }

    public void setAuditDetail(Duration auditDetail) {
        this.auditDetail = positive("audit-detail", auditDetail);
    }

    private static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("kamiflow.retention." + name + " must be a positive duration (e.g. P30D)");
        }
        return value;
    }
}
