package io.kamiflow.fulfillment;

import java.util.List;

import io.kamiflow.ops.OrderInvariants;
import io.kamiflow.ops.metrics.ShopMetrics;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Check order invariants (process reconcile-orders). A violation fails the job: it is retried (a race in
 * flight clears itself), then becomes an incident naming the orders, and every failure logs one ERROR line
 * starting "INVARIANT VIOLATED" for log-based alerting.
 */
@Component
class CheckOrderInvariantsDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(CheckOrderInvariantsDelegate.class);

    private final OrderInvariants invariants;
    private final ShopMetrics metrics;

    CheckOrderInvariantsDelegate(OrderInvariants invariants, ShopMetrics metrics) {
        this.invariants = invariants;
        this.metrics = metrics;
    }

    @Override
    public void execute(DelegateExecution execution) {
        List<OrderInvariants.Violation> violations = invariants.check();
        metrics.invariantsChecked(violations.isEmpty());
        violations.forEach(violation -> metrics.invariantViolated(violation.invariant(), violation.subjects().size()));
        if (!violations.isEmpty()) {
            violations.forEach(violation -> log.error("INVARIANT VIOLATED {}", violation));
            throw new IllegalStateException("invariants violated: " + violations);
        }
    }
}
