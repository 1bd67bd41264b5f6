package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.PaidOrders;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstantiationBuilder;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts order-fulfillment in the caller's transaction: the instance exists if and only if the
 * payment row committed. Verify payment and Claim keys run in that transaction too (no job between the
 * callback and the claim: the buyer's keys are on the order page when the callback answers), and Send keys
 * waits for its own job. {@link #startDeferred} is the fallback when that inline work failed: the instance
 * starts at "Claim deferred to a job" and the claim runs in a job with retries.
 * <p>
 * Instances start by definition id, not key: starting by key asks the database for the latest version on every
 * start (16% of a start, measured). The id of the latest version is looked up again after {@link #DEFINITION_TTL},
 * so a version deployed by another node is used within that time. "Latest" is the newest version this node can run
 * ({@link RunnableVersions}): during a rolling upgrade an older node keeps starting orders on its own version.
 */
@Component
public class FulfillmentStarter implements PaidOrders {

    static final String CLAIM_DEFERRED = "ClaimDeferred";
    /** Transient: set only by {@link #start}, so only the paying callback's own claim may queue the key mail. */
    static final String CLAIMED_IN_CALLBACK = "claimedInCallback";

    static final Duration DEFINITION_TTL = Duration.ofSeconds(10);

    private final RuntimeService runtime;
    private final RunnableVersions versions;
    private volatile LatestDefinition latest;

    private final KeyMailPacing pacing;

    FulfillmentStarter(RuntimeService runtime, RunnableVersions versions, KeyMailPacing pacing) {
        this.runtime = runtime;
        this.versions = versions;
        this.pacing = pacing;
    }

    @Override
    public <T> T pacedByFollowUps(java.util.function.Supplier<T> recording) {
        return pacing.paced(recording);
    }

    /**
     * Verify payment decides on {@code locked}, the caller's read under the row lock, and hands the order as it left it
     * to Claim keys and Queue key mail: the order row is read once in the paying callback ({@link LockedOrders}).
     * @return the id of the new instance, for the payment row's record of which instance serves it
     */
    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public String start(Order locked, long paymentId, Money paid) {
        return LockedOrders.offeredToVerify(new LockedOrders.Paying(locked, paymentId, paid),
                () -> instance(locked, paymentId).setVariable(CLAIMED_IN_CALLBACK, Variables.booleanValue(true, true))
                        .execute().getId());
    }

    /**
     * A new instance for an order whose paying instance has ended (its queued key mail failed, or its node left it),
     * started before {@code activityId} with {@code variables} and the order's payment id, as the admin's message
     * starts do. @return the instance id
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String startAt(Order order, String activityId, Map<String, Object> variables) {
        return runtime.createProcessInstanceById(latestDefinitionId()).businessKey(order.orderNo())
                .setVariables(variables)
                .setVariable(ProcessVariables.ORDER_NO, order.orderNo())
                .setVariable(ProcessVariables.PAYMENT_ID, order.paymentId())
                .startBeforeActivity(activityId).execute().getId();
    }

    /** @return the id of the new instance, which waits in a job before Verify payment */
    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public String startDeferred(Order order, long paymentId) {
        return instance(order, paymentId).startBeforeActivity(CLAIM_DEFERRED).execute().getId();
    }

    private ProcessInstantiationBuilder instance(Order order, long paymentId) {
        // No persistent variables: the order is the business key and the payment row names this instance (the
        // caller writes it in this transaction); the transient payment id serves the steps that run before that
        // write (Review payment's task details; Verify payment of start() takes it with the locked order from
        // LockedOrders). Each variable cost four rows per order (runtime + history, insert + delete).
        return runtime.createProcessInstanceById(latestDefinitionId())
                .businessKey(order.orderNo())
                .setVariables(Variables.createVariables()
                        .putValueTyped(ProcessVariables.PAYMENT_ID, Variables.longValue(paymentId, true)));
    }

    private String latestDefinitionId() {
        LatestDefinition known = latest;
        long now = System.nanoTime();
        if (known == null || now - known.lookedUpAt() > DEFINITION_TTL.toNanos()) {
            known = new LatestDefinition(versions.newestRunnable(ProcessVariables.PROCESS_KEY), now);
            latest = known;
        }
        return known.id();
    }

    private record LatestDefinition(String id, long lookedUpAt) {
    }
}
