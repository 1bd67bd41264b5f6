package io.kamiflow.fulfillment;

import io.kamiflow.privacy.PersonalDataRetention;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Forget personal data past its retention (process forget-personal-data): one bounded batch of every kind, as of the
 * engine's clock (tests and ops reason in process time). A full batch sends the instance round again: each batch is a
 * job and a transaction of its own. Cockpit shows how many rows the run changed; no variable names what it erased.
 */
@Component
class ForgetPersonalDataDelegate implements JavaDelegate {

    static final String MORE_PAST_RETENTION = "morePastRetention";
    static final String ROWS_FORGOTTEN = "rowsForgotten";

    private final PersonalDataRetention retention;

    ForgetPersonalDataDelegate(PersonalDataRetention retention) {
        this.retention = retention;
    }

    @Override
    public void execute(DelegateExecution execution) {
        PersonalDataRetention.Forgotten forgotten = retention.forgetBatch(ClockUtil.getCurrentTime().toInstant());
        Object before = execution.getVariable(ROWS_FORGOTTEN);
        execution.setVariable(ROWS_FORGOTTEN, (before == null ? 0 : ((Number) before).intValue()) + forgotten.total());
        // only picks the way at the gateway, in this transaction: never stored
        execution.setVariable(MORE_PAST_RETENTION, Variables.booleanValue(forgotten.more(), true));
    }
}
