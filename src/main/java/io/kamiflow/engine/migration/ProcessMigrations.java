package io.kamiflow.engine.migration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kamiflow.ops.AuditLog;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.batch.Batch;
import org.camunda.bpm.engine.management.ActivityStatistics;
import org.camunda.bpm.engine.migration.MigrationInstruction;
import org.camunda.bpm.engine.migration.MigrationInstructionValidationReport;
import org.camunda.bpm.engine.migration.MigrationPlan;
import org.camunda.bpm.engine.migration.MigrationPlanBuilder;
import org.camunda.bpm.engine.migration.MigrationPlanValidationException;
import org.camunda.bpm.engine.migration.MigrationVariableValidationReport;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.migration.MigratingActivityInstanceValidationReport;
import org.camunda.bpm.engine.migration.MigratingProcessInstanceValidationException;
import org.camunda.bpm.engine.migration.MigratingTransitionInstanceValidationReport;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves the running instances of one version of a process to another with Camunda's migration API (public API only):
 * equal activity ids map themselves, renamed ones are given. A dry run counts per source activity what would move
 * and where, and lists what stops the plan; a real run starts a migration batch the job executors work in chunks
 * (docs/upgrades.md, rule 5).
 */
@Service
public class ProcessMigrations {

    /** @param dryRun null = a dry run: moving instances is asked for explicitly */
    public record Request(String processKey, Integer fromVersion, Integer toVersion, List<Mapping> activityMappings,
                          Boolean dryRun) {
    }

    public record Mapping(String from, String to) {
    }

    /** @param targetActivityId null when the plan does not map it: instances there cannot move */
    public record ActivityCount(String activityId, long instances, String targetActivityId) {
    }

    public record Report(String processKey, int fromVersion, int toVersion, boolean dryRun, long instances,
                         List<ActivityCount> activities, List<String> problems, String batchId) {
    }

    /** The plan is invalid or would leave instances behind: the caller's request, so a 400. */
    public static class InvalidPlan extends RuntimeException {
        private final transient List<String> problems;

        InvalidPlan(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    ProcessMigrations(RepositoryService repository, RuntimeService runtime, ManagementService management, AuditLog audit,
                      PlatformTransactionManager transactions) {
        this.repository = repository;
        this.runtime = runtime;
        this.management = management;
        this.audit = audit;
        this.transactions = new TransactionTemplate(transactions);
    }

    /**
     * @throws IllegalArgumentException for a request that names no process or versions
     * @throws java.util.NoSuchElementException when a version is not deployed
     * @throws InvalidPlan when Camunda's validation refuses the plan (always) or instances wait where it maps nothing
     *                     (real runs only: a dry run reports them)
     */
    public Report migrate(Request request) {
        if (request.processKey() == null || request.processKey().isBlank() || request.fromVersion() == null
                || request.toVersion() == null || request.fromVersion().equals(request.toVersion())) {
            throw new IllegalArgumentException("give processKey, fromVersion and toVersion (two different versions)");
        }
        boolean dryRun = request.dryRun() == null || request.dryRun();
        ProcessDefinition source = definition(request.processKey(), request.fromVersion());
        ProcessDefinition target = definition(request.processKey(), request.toVersion());
        MigrationPlan plan = plan(source, target, request.activityMappings() == null ? List.of() : request.activityMappings());

        Map<String, String> targets = new HashMap<>();
        for (MigrationInstruction instruction : plan.getInstructions()) {
            targets.put(instruction.getSourceActivityId(), instruction.getTargetActivityId());
        }
        List<ActivityCount> activities = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ActivityStatistics waiting : management.createActivityStatisticsQuery(source.getId()).list()) {
            String to = targets.get(waiting.getId());
            activities.add(new ActivityCount(waiting.getId(), waiting.getInstances(), to));
            if (to == null) {
                problems.add(waiting.getInstances() + " instances are at " + waiting.getId()
                        + ", which the plan does not map: map it (activityMappings) or let them finish first");
            }
        }
        activities.sort(Comparator.comparing(ActivityCount::activityId));
        long instances = runtime.createProcessInstanceQuery().processDefinitionId(source.getId()).count();
        String subject = request.processKey() + " v" + request.fromVersion() + " -> v" + request.toVersion();
        if (problems.isEmpty() && instances > 0) {
            problems.addAll(trial(plan, source));
        }
        if (dryRun) {
            audit.record("process-migration-dry-run", subject, instances + " instances; " + mappings(request));
            return new Report(request.processKey(), request.fromVersion(), request.toVersion(), true, instances,
                    activities, problems, null);
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlan(problems);
        }
        String batchId = null;
        if (instances > 0) {
            Batch batch = runtime.newMigration(plan)
                    .processInstanceQuery(runtime.createProcessInstanceQuery().processDefinitionId(source.getId()))
                    .skipCustomListeners().skipIoMappings() // moving state never runs business code
                    .executeAsync();
            batchId = batch.getId();
        }
        audit.record("process-migration", subject, instances + " instances, batch " + batchId + "; " + mappings(request));
        return new Report(request.processKey(), request.fromVersion(), request.toVersion(), false, instances,
                activities, problems, batchId);
    }

    /** Instances whose state is checked by migrating them for real in a transaction that is then rolled back. */
    static final int TRIAL_INSTANCES = 200;

    /**
     * Camunda validates each instance only when migrating it (an activity instance or event subscription the plan
     * leaves behind): the dry run migrates the first {@link #TRIAL_INSTANCES} synchronously and rolls back.
     * @return what Camunda reports for them
     */
    private List<String> trial(MigrationPlan plan, ProcessDefinition source) {
        List<String> ids = runtime.createProcessInstanceQuery().processDefinitionId(source.getId())
                .orderByProcessInstanceId().asc().listPage(0, TRIAL_INSTANCES).stream().map(i -> i.getId()).toList();
        List<String> problems = new ArrayList<>();
        transactions.executeWithoutResult(status -> {
            status.setRollbackOnly();
            try {
                runtime.newMigration(plan).processInstanceIds(ids).skipCustomListeners().skipIoMappings().execute();
            } catch (MigratingProcessInstanceValidationException e) {
                var report = e.getValidationReport();
                report.getFailures().forEach(f -> problems.add("instance " + report.getProcessInstanceId() + ": " + f));
                for (MigratingActivityInstanceValidationReport activity : report.getActivityInstanceReports()) {
                    activity.getFailures().forEach(f -> problems.add("instance " + report.getProcessInstanceId() + " at "
                            + activity.getSourceScopeId() + ": " + f));
                }
                for (MigratingTransitionInstanceValidationReport transition : report.getTransitionInstanceReports()) {
                    transition.getFailures().forEach(f -> problems.add("instance " + report.getProcessInstanceId() + " at "
                            + transition.getSourceScopeId() + ": " + f));
                }
            }
        });
        return problems;
    }

    private ProcessDefinition definition(String key, int version) {
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .processDefinitionVersion(version).withoutTenantId().singleResult();
        if (definition == null) {
            throw new java.util.NoSuchElementException("process " + key + " has no version " + version);
        }
        return definition;
    }

    private MigrationPlan plan(ProcessDefinition source, ProcessDefinition target, List<Mapping> mappings) {
        MigrationPlanBuilder builder = runtime.createMigrationPlan(source.getId(), target.getId()).mapEqualActivities();
        for (Mapping mapping : mappings) {
            if (mapping == null || mapping.from() == null || mapping.to() == null) {
                throw new IllegalArgumentException("every activity mapping needs from and to");
            }
            builder = builder.mapActivities(mapping.from(), mapping.to());
        }
        try {
            return builder.build();
        } catch (MigrationPlanValidationException e) {
            throw new InvalidPlan(problems(e));
        }
    }

    private static List<String> problems(MigrationPlanValidationException e) {
        List<String> problems = new ArrayList<>();
        for (MigrationInstructionValidationReport report : e.getValidationReport().getInstructionReports()) {
            MigrationInstruction instruction = report.getMigrationInstruction();
            for (String failure : report.getFailures()) {
                problems.add(instruction.getSourceActivityId() + " -> " + instruction.getTargetActivityId() + ": " + failure);
            }
        }
        for (Map.Entry<String, MigrationVariableValidationReport> variable : e.getValidationReport().getVariableReports().entrySet()) {
            for (String failure : variable.getValue().getFailures()) {
                problems.add("variable " + variable.getKey() + ": " + failure);
            }
        }
        if (problems.isEmpty()) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private static String mappings(Request request) {
        return request.activityMappings() == null || request.activityMappings().isEmpty() ? "equal activities only"
                : "mappings " + request.activityMappings().stream().map(m -> m.from() + "->" + m.to()).toList();
    }
}
