package io.kamiflow.engine.history;

import java.util.Set;

import io.kamiflow.fulfillment.ProcessVariables;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.CachedDbEntity;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityCache;
import org.camunda.bpm.engine.impl.db.entitymanager.cache.DbEntityState;
import org.camunda.bpm.engine.impl.history.event.HistoricActivityInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricFormPropertyEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricJobLogEvent;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.HistoryEventTypes;
import org.camunda.bpm.engine.impl.history.handler.DbHistoryEventHandler;

/**
 * Camunda's database history handler without the rows nobody reads but every order paid for, and without personal data:
 * <ul>
 * <li>variable update details (ACT_HI_DETAIL): each variable's final value stays in ACT_HI_VARINST, who did what
 * on a task is in the task history and kamiflow's audit log;</li>
 * <li>"job created" and "job succeeded" log rows (ACT_HI_JOB_LOG) of order-fulfillment, one pair per order;
 * failures and deletions stay, and so does the whole job log of every other process;</li>
 * <li>activity instances of exclusive, parallel and inclusive gateways (ACT_HI_ACTINST): a token passes them in
 * no time and the next step's row says which way it went. Event-based gateways are wait states and stay;</li>
 * <li>the none start event of order-fulfillment (ACT_HI_ACTINST): the process instance's own row holds its
 * start activity and time. Message start events (an admin's resend or refund) stay.</li>
 * <li>"Queue key mail" and its end event "Key mail queued" of order-fulfillment (ACT_HI_ACTINST): they run only in
 * the paying callback's own transaction, which commits them with the instance's end (a failure there rolls the
 * whole callback back), so the instance's row already says it ended there and when.</li>
 * <li>every other step of an order-fulfillment instance that ends at "Key mail queued" in the command that started it
 * (the paying callback's: Verify payment, Claim keys): the model has one path from "Payment received" to there, and
 * it ran in that one transaction, so the instance's row says all the steps' rows would (what ran, when, that it
 * ended well). Their rows are still unwritten inserts in the command's entity cache and are dropped there; an
 * instance that waited anywhere (a deferred claim, a review, stock, a retry) wrote its rows and keeps them.</li>
 * <li>submitted form fields (ACT_HI_DETAIL): copies of what support typed into a task form, kept as long as the
 * history; the decision is in the variables and the audit log;</li>
 * <li>any history of the variables in {@link ProcessVariables#KEPT_OUT_OF_HISTORY} (ACT_HI_VARINST): they may
 * describe a person, and the history outlives the retention of personal data.</li>
 * </ul>
 * The history level stays {@code full} (incidents, tasks, user operations, the Orders view), so databases made
 * by earlier versions start unchanged. Measured effect in docs/performance.md.
 */
public class LeanHistoryEventHandler extends DbHistoryEventHandler {

    private static final Set<String> PASS_THROUGH_GATEWAYS = Set.of("exclusiveGateway", "parallelGateway", "inclusiveGateway");
    /** Reached only in the command that starts the instance, and always its last steps there (order-fulfillment.bpmn). */
    private static final String KEY_MAIL_QUEUED = "KeyMailQueued";
    private static final Set<String> CALLBACK_MAIL_STEPS = Set.of("QueueKeyMail", KEY_MAIL_QUEUED);

    @Override
    public void handleEvent(HistoryEvent event) {
        if (event instanceof HistoricProcessInstanceEventEntity instance && endsAtKeyMailQueued(instance)) {
            dropUnwrittenStepsOf(instance);
        }
        if (event instanceof HistoricJobLogEvent jobLog && isRoutineOrderJobLog(jobLog)
                || event instanceof HistoricActivityInstanceEventEntity activity
                        && (isPassThroughGateway(activity) || isOrderStart(activity) || isCallbackMailStep(activity))
                || event instanceof HistoricFormPropertyEventEntity
                || event instanceof HistoricVariableUpdateEventEntity variable
                        && ProcessVariables.KEPT_OUT_OF_HISTORY.contains(variable.getVariableName())) {
            return;
        }
        super.handleEvent(event);
    }

    @Override
    protected boolean shouldWriteHistoricDetail(HistoricVariableUpdateEventEntity event) {
        return false;
    }

    private static boolean isPassThroughGateway(HistoricActivityInstanceEventEntity activity) {
        return PASS_THROUGH_GATEWAYS.contains(activity.getActivityType());
    }

    private static boolean isOrderStart(HistoricActivityInstanceEventEntity activity) {
        return "startEvent".equals(activity.getActivityType())
                && ProcessVariables.PROCESS_KEY.equals(activity.getProcessDefinitionKey());
    }

    private static boolean isCallbackMailStep(HistoricActivityInstanceEventEntity activity) {
        return CALLBACK_MAIL_STEPS.contains(activity.getActivityId())
                && ProcessVariables.PROCESS_KEY.equals(activity.getProcessDefinitionKey());
    }

    private static boolean endsAtKeyMailQueued(HistoricProcessInstanceEventEntity instance) {
        return instance.isEventOfType(HistoryEventTypes.PROCESS_INSTANCE_END)
                && ProcessVariables.PROCESS_KEY.equals(instance.getProcessDefinitionKey())
                && KEY_MAIL_QUEUED.equals(instance.getEndActivityId());
    }

    /** Only when the instance's own row is still unwritten: it started in this command, so did all its steps. */
    private static void dropUnwrittenStepsOf(HistoricProcessInstanceEventEntity instance) {
        DbEntityCache cache = UnwrittenHistory.cache();
        if (!UnwrittenHistory.startedInThisCommand(cache, instance.getId())) {
            return;
        }
        for (CachedDbEntity cached : cache.getCachedEntities()) {
            if (cached.getEntity() instanceof HistoricActivityInstanceEventEntity step
                    && cached.getEntityState() == DbEntityState.TRANSIENT
                    && instance.getProcessInstanceId().equals(step.getProcessInstanceId())) {
                cache.remove(cached);
            }
        }
    }

    private static boolean isRoutineOrderJobLog(HistoricJobLogEvent jobLog) {
        return ProcessVariables.PROCESS_KEY.equals(jobLog.getProcessDefinitionKey())
                && (jobLog.isCreationLog() || jobLog.isSuccessLog());
    }
}
