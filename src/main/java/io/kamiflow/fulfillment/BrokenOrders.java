package io.kamiflow.fulfillment;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.kamiflow.notify.Notifications;
import io.kamiflow.ops.OrderInvariants;
import io.kamiflow.ops.metrics.ShopMetrics;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the checks of "Reconcile orders" found: each check is counted, each violation logged as one ERROR line
 * starting "INVARIANT VIOLATED" (log-based alerting) and counted per invariant, and the ids of the broken orders are
 * kept in the instance ({@value #VARIABLE}, ids only) for "Check the broken orders again".
 */
@Component
class BrokenOrders {

    static final String VARIABLE = "brokenOrders";
    /** A recheck names at most this many orders: enough to see the pattern, small enough for a string variable. */
    private static final int MAX_KEPT = 200;

    private static final Logger log = LoggerFactory.getLogger(BrokenOrders.class);

    private final ShopMetrics metrics;
    private final Notifications notifications;

    BrokenOrders(ShopMetrics metrics, Notifications notifications) {
        this.metrics = metrics;
        this.notifications = notifications;
    }

    /** Counts and logs one check's findings and adds their orders to the instance's broken orders. */
    void found(DelegateExecution execution, List<OrderInvariants.Violation> violations) {
        report(violations);
        Set<Long> broken = new LinkedHashSet<>(of(execution));
        violations.forEach(violation -> broken.addAll(violation.orderIds()));
        if (!broken.isEmpty()) {
            execution.setVariable(VARIABLE, broken.stream().limit(MAX_KEPT).map(String::valueOf).collect(Collectors.joining(",")));
        }
    }

    /** Counts and logs a recheck's findings. */
    void report(List<OrderInvariants.Violation> violations) {
        metrics.invariantsChecked(violations.isEmpty());
        for (OrderInvariants.Violation violation : violations) {
            metrics.invariantViolated(violation.invariant(), violation.subjects().size());
            log.error("INVARIANT VIOLATED {}", violation);
            notifications.invariantViolated(violation.invariant(), violation.subjects()); // once per finding
        }
    }

    List<Long> of(DelegateExecution execution) {
        Object kept = execution.getVariable(VARIABLE);
        return kept == null || kept.toString().isEmpty() ? List.of()
                : Arrays.stream(kept.toString().split(",")).map(Long::valueOf).toList();
    }
}
