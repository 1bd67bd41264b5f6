package io.kamiflow.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every minute (kamiflow.notify.check-interval): Tasklist tasks waiting longer than their SLA and new incidents, each
 * told once ({@link Notifications#publishOnce}: every node may look, one row wins). The incidents of notify-delivery
 * itself are left out: a receiver that is down would otherwise be told of its own failure, again and again.
 */
@Component
class OverdueWatch {

    private static final int MAX_PER_CHECK = 200;

    private final TaskService tasks;
    private final RuntimeService runtime;
    private final RepositoryService repository;
    private final Notifications notifications;
    private final NotifySettings settings;
    private final ObjectProvider<JobExecutor> jobExecutor;
    private final TransactionTemplate transactions;

    OverdueWatch(TaskService tasks, RuntimeService runtime, RepositoryService repository, Notifications notifications,
                 NotifySettings settings, ObjectProvider<JobExecutor> jobExecutor, PlatformTransactionManager manager) {
        this.tasks = tasks;
        this.runtime = runtime;
        this.repository = repository;
        this.notifications = notifications;
        this.settings = settings;
        this.jobExecutor = jobExecutor;
        this.transactions = new TransactionTemplate(manager);
    }

    @Scheduled(initialDelayString = "${kamiflow.notify.check-interval:PT1M}",
            fixedDelayString = "${kamiflow.notify.check-interval:PT1M}")
    public void checkWhileJobsRun() {
        JobExecutor executor = jobExecutor.getIfAvailable();
        if (executor != null && executor.isActive()) {
            check();
        }
    }

    /** One look at tasks and incidents. */
    public void check() {
        transactions.executeWithoutResult(tx -> {
            overdueTasks();
            incidents();
        });
    }

    private void overdueTasks() {
        Instant now = Instant.now();
        for (Task task : tasks.createTaskQuery().active().taskCreatedBefore(Date.from(now.minus(settings.shortestSla())))
                .orderByTaskCreateTime().asc().listPage(0, MAX_PER_CHECK)) {
            Duration waiting = Duration.between(task.getCreateTime().toInstant(), now);
            if (waiting.compareTo(settings.slaOf(task.getTaskDefinitionKey())) < 0) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("taskId", task.getId());
            data.put("task", task.getName());
            data.put("orderNo", businessKey(task.getProcessInstanceId()));
            data.put("createdAt", task.getCreateTime().toInstant().toString());
            data.put("waitingMinutes", waiting.toMinutes());
            notifications.publishOnce(NotifyEvent.TASK_OVERDUE, task.getId(), data);
        }
    }

    private void incidents() {
        for (Incident incident : runtime.createIncidentQuery().orderByIncidentTimestamp().desc().listPage(0, MAX_PER_CHECK)) {
            if (incident.getProcessDefinitionId() == null || Notifications.PROCESS_KEY.equals(
                    repository.getProcessDefinition(incident.getProcessDefinitionId()).getKey())) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("incidentId", incident.getId());
            data.put("type", incident.getIncidentType());
            data.put("activity", incident.getActivityId());
            data.put("orderNo", businessKey(incident.getProcessInstanceId()));
            data.put("message", incident.getIncidentMessage());
            data.put("createdAt", incident.getIncidentTimestamp().toInstant().toString());
            notifications.publishOnce(NotifyEvent.INCIDENT, incident.getId(), data);
        }
    }

    private String businessKey(String processInstanceId) {
        if (processInstanceId == null) {
            return null;
        }
        ProcessInstance instance = runtime.createProcessInstanceQuery().processInstanceId(processInstanceId).singleResult();
        return instance == null ? null : instance.getBusinessKey();
    }
}
