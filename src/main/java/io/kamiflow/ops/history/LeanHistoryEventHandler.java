package io.kamiflow.ops.history;

import io.kamiflow.fulfillment.ProcessVariables;
import org.camunda.bpm.engine.impl.history.event.HistoricJobLogEvent;
import org.camunda.bpm.engine.impl.history.event.HistoricVariableUpdateEventEntity;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.DbHistoryEventHandler;

/**
 * Camunda's database history handler without the two kinds of rows nobody reads but every order paid for:
 * <ul>
 * <li>variable update details (ACT_HI_DETAIL): each variable's final value stays in ACT_HI_VARINST, who did what
 * on a task is in the task history and kamiflow's audit log;</li>
 * <li>"job created" and "job succeeded" log rows (ACT_HI_JOB_LOG) of order-fulfillment, one pair per order;
 * failures and deletions stay, and so does the whole job log of every other process.</li>
 * </ul>
 * The history level stays {@code full} (incidents, tasks, user operations, the Orders view), so databases made
 * by earlier versions start unchanged. Measured effect in README, "Performance".
 */
public class LeanHistoryEventHandler extends DbHistoryEventHandler {

    @Override
    public void handleEvent(HistoryEvent event) {
        if (event instanceof HistoricJobLogEvent jobLog && isRoutineOrderJobLog(jobLog)) {
            return;
        }
        super.handleEvent(event);
    }

    @Override
    protected boolean shouldWriteHistoricDetail(HistoricVariableUpdateEventEntity event) {
        return false;
    }

    private static boolean isRoutineOrderJobLog(HistoricJobLogEvent jobLog) {
        return ProcessVariables.PROCESS_KEY.equals(jobLog.getProcessDefinitionKey())
                && (jobLog.isCreationLog() || jobLog.isSuccessLog());
    }
}
