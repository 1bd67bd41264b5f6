package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Schedules of the BPMN timers, read by the process through the bean name
 * {@code fulfillmentSettings} (e.g. {@code ${fulfillmentSettings.retryDelay(deliveryRetries)}}), so ops
 * change them in configuration and see the resulting due dates in Cockpit.
 */
@Component("fulfillmentSettings")
@ConfigurationProperties("kamiflow.fulfillment")
public class FulfillmentSettings {

    /**
     * Whether the paying callback ends its instance at "Key mail queued" and its node mails the keys right after the
     * commit (the default, {@link KeyMailQueue}), or leaves the instance waiting for a Send keys task.
     */
    private boolean mailAfterCommit = true;
    /**
     * How long a queued key mail stays its node's without a renewal (every third of it, while the node lives); after
     * that any node's sweep hands it to a Send keys task: a crashed node's mails wait about this plus a sweep.
     */
    private Duration keyMailLease = Duration.ofSeconds(6);
    /** Threads that send queued key mails (each holds at most one database connection at a time). */
    private int keyMailThreads = 4;
    /**
     * How long the paying callback waits, after its commit, for the key mail it queued before it answers the gateway
     * ({@link KeyMailPacing}); zero answers at once.
     */
    private Duration keyMailWait = Duration.ofSeconds(2);
    /**
     * After this many key mails in a row on this node failed transiently or outlasted {@link #keyMailWait} (those
     * still in their SMTP conversation past it count), paying callbacks stop waiting for their key mail and answer at
     * once, until a mail is sent within the wait again ({@link KeyMailPacing}); zero or less: they always wait.
     */
    private int keyMailWaitSkipAfter = 3;
    /** Waits between delivery attempts after transient failures; after the last one a person takes over. */
    private List<Duration> retrySchedule = new ArrayList<>(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2)));
    /** How long a paid order waits for restock before support decides. */
    private Duration restockTimeout = Duration.ofDays(1);
    /** Timer cycles of the periodic processes. */
    private String expiryCycle = "R/PT1M";
    private String compensationCycle = "R/PT5M";
    /** How often "Reconcile orders" checks the orders changed lately (and every open one). */
    private String reconcileCycle = "R/PT10M";
    /** How far back "lately" reaches: several cycles, so a run that failed or waited is covered by the next. */
    private Duration reconcileWindow = Duration.ofHours(1);
    /** When "Reconcile orders" walks every order (a Camunda timer cycle: cron or ISO-8601 repetition). */
    private String reconcileFullCycle = "0 30 5 * * ?";
    /** Orders per job of that walk: seconds of work, far inside a job's lock time. */
    private int reconcileOrdersPerJob = 50_000;
    /** Unpaid orders younger than this are left to the gateway's own callback. */
    private Duration compensationMinAge = Duration.ofMinutes(2);
    /** How often a refund the gateway still settles is checked, and for how long before support takes over. */
    private Duration refundCheckInterval = Duration.ofMinutes(1);
    private Duration refundCheckLimit = Duration.ofDays(1);
    /** Orders expired unpaid within this window are still asked about: a late payment's callback may be lost. */
    private Duration compensationExpiredWindow = Duration.ofHours(24);

    /** @return the ISO-8601 wait before retry number {@code retry} (1-based) */
    public String retryDelay(Object retry) {
        int index = ((Number) retry).intValue() - 1;
        return retrySchedule.get(Math.max(0, Math.min(index, retrySchedule.size() - 1))).toString();
    }

    public int maxRetries() {
        return retrySchedule.size();
    }

    public String restockTimeoutIso() {
        return restockTimeout.toString();
    }

    public String refundCheckIntervalIso() {
        return refundCheckInterval.toString();
    }

    public String refundCheckLimitIso() {
        return refundCheckLimit.toString();
    }

    public boolean isMailAfterCommit() {
        return mailAfterCommit;
    }

    public void setMailAfterCommit(boolean mailAfterCommit) {
        this.mailAfterCommit = mailAfterCommit;
    }

    public Duration getKeyMailLease() {
        return keyMailLease;
    }

    public void setKeyMailLease(Duration keyMailLease) {
        this.keyMailLease = keyMailLease;
    }

    public Duration getKeyMailWait() {
        return keyMailWait;
    }

    public void setKeyMailWait(Duration keyMailWait) {
        this.keyMailWait = keyMailWait;
    }

    public int getKeyMailWaitSkipAfter() {
        return keyMailWaitSkipAfter;
    }

    public void setKeyMailWaitSkipAfter(int keyMailWaitSkipAfter) {
        this.keyMailWaitSkipAfter = keyMailWaitSkipAfter;
    }

    public int getKeyMailThreads() {
        return keyMailThreads;
    }

    public void setKeyMailThreads(int keyMailThreads) {
        this.keyMailThreads = keyMailThreads;
    }

    public Duration getRefundCheckInterval() {
        return refundCheckInterval;
    }

    public void setRefundCheckInterval(Duration refundCheckInterval) {
        this.refundCheckInterval = refundCheckInterval;
    }

    public Duration getRefundCheckLimit() {
        return refundCheckLimit;
    }

    public void setRefundCheckLimit(Duration refundCheckLimit) {
        this.refundCheckLimit = refundCheckLimit;
    }

    public List<Duration> getRetrySchedule() {
        return retrySchedule;
    }

    public void setRetrySchedule(List<Duration> retrySchedule) {
        this.retrySchedule = retrySchedule;
    }

    public Duration getRestockTimeout() {
        return restockTimeout;
    }

    public void setRestockTimeout(Duration restockTimeout) {
        this.restockTimeout = restockTimeout;
    }

    public String getExpiryCycle() {
        return expiryCycle;
    }

    public void setExpiryCycle(String expiryCycle) {
        this.expiryCycle = expiryCycle;
    }

    public String getCompensationCycle() {
        return compensationCycle;
    }

    public void setCompensationCycle(String compensationCycle) {
        this.compensationCycle = compensationCycle;
    }

    public String getReconcileCycle() {
        return reconcileCycle;
    }

    public void setReconcileCycle(String reconcileCycle) {
        this.reconcileCycle = reconcileCycle;
    }

    public Duration getReconcileWindow() {
        return reconcileWindow;
    }

    public void setReconcileWindow(Duration reconcileWindow) {
        this.reconcileWindow = reconcileWindow;
    }

    public String getReconcileFullCycle() {
        return reconcileFullCycle;
    }

    public void setReconcileFullCycle(String reconcileFullCycle) {
        this.reconcileFullCycle = reconcileFullCycle;
    }

    public int getReconcileOrdersPerJob() {
        return reconcileOrdersPerJob;
    }

    public void setReconcileOrdersPerJob(int reconcileOrdersPerJob) {
        this.reconcileOrdersPerJob = reconcileOrdersPerJob;
    }

    public Duration getCompensationExpiredWindow() {
        return compensationExpiredWindow;
    }

    public void setCompensationExpiredWindow(Duration compensationExpiredWindow) {
        this.compensationExpiredWindow = compensationExpiredWindow;
    }

    public Duration getCompensationMinAge() {
        return compensationMinAge;
    }

    public void setCompensationMinAge(Duration compensationMinAge) {
        this.compensationMinAge = compensationMinAge;
    }
}
