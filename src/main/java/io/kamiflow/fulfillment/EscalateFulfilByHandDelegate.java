package io.kamiflow.fulfillment;

import io.kamiflow.ops.AuditLog;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.task.Task;
import org.springframework.stereotype.Component;

/**
 * "Fulfil by hand" waited longer than its SLA and nobody took it: kamiflow-admin becomes a candidate too and the
 * task moves up Tasklist's list. A task an agent has claimed stays theirs; it is only raised.
 */
@Component
class EscalateFulfilByHandDelegate implements JavaDelegate {

    static final String ADMIN_GROUP = "kamiflow-admin";
    static final int ESCALATED_PRIORITY = 80;

    private final TaskService tasks;
    private final AuditLog audit;

    EscalateFulfilByHandDelegate(TaskService tasks, AuditLog audit) {
        this.tasks = tasks;
        this.audit = audit;
    }

    @Override
    public void execute(DelegateExecution execution) {
        for (Task task : tasks.createTaskQuery().processInstanceId(execution.getProcessInstanceId())
                .taskDefinitionKey("FulfilByHand").list()) {
            tasks.setPriority(task.getId(), ESCALATED_PRIORITY);
            if (task.getAssignee() == null) {
                tasks.addCandidateGroup(task.getId(), ADMIN_GROUP);
            }
            audit.record("task.escalated", execution.getProcessBusinessKey(), "FulfilByHand waited past its SLA"
                    + (task.getAssignee() == null ? ", untouched: handed to " + ADMIN_GROUP : ", claimed by " + task.getAssignee()));
        }
    }
}
