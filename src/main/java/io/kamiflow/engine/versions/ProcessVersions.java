package io.kamiflow.engine.versions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.kamiflow.fulfillment.RunnableVersions;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Registers with this node's job executor (deployment-aware) every deployment its jar can run, and only those: one
 * whose every process this jar ships at the same or a higher level ({@link ProcessLevels}). The starter's
 * auto-deployment registers just the deployment it made or found; the jobs of instances on older versions belong to
 * older deployments and would otherwise wait forever once every node runs the new jar (docs/upgrades.md, rule 1).
 * Ready (health component {@code processVersions}) once the first registration is done.
 */
public class ProcessVersions implements RunnableVersions, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ProcessVersions.class);

    /** Newest versions looked at when choosing where new instances start. */
    private static final int NEWEST = 20;

    private final RepositoryService repository;
    private final ManagementService management;
    private final Map<String, Integer> levels;
    /** deployment id -> whether this jar runs it (a deployment never changes) */
    private final Map<String, Boolean> runnable = new ConcurrentHashMap<>();
    private volatile boolean registered;

    public ProcessVersions(RepositoryService repository, ManagementService management, Map<String, Integer> levels) {
        this.repository = repository;
        this.management = management;
        this.levels = Map.copyOf(levels);
    }

    /** Registers the runnable deployments not registered yet. @return the ones it registered now */
    public synchronized Set<String> register() {
        Map<String, List<ProcessDefinition>> byDeployment = new HashMap<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().list()) {
            byDeployment.computeIfAbsent(definition.getDeploymentId(), id -> new ArrayList<>()).add(definition);
        }
        Set<String> already = management.getRegisteredDeployments();
        Set<String> added = new TreeSet<>();
        byDeployment.forEach((deployment, definitions) -> {
            boolean runs = runnable.computeIfAbsent(deployment, id -> runs(definitions));
            if (runs && !already.contains(deployment)) {
                management.registerDeploymentForJobExecutor(deployment);
                added.add(deployment);
            }
        });
        if (!added.isEmpty() || !registered) {
            log.info("process versions: registered {} more deployments with the job executor ({} in all; levels {})",
                    added.size(), management.getRegisteredDeployments().size(), levels);
        }
        registered = true;
        return added;
    }

    @Override
    public String newestRunnable(String processKey) {
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().processDefinitionKey(processKey)
                .orderByProcessDefinitionVersion().desc().listPage(0, NEWEST)) {
            if (runnable.computeIfAbsent(definition.getDeploymentId(),
                    id -> runs(repository.createProcessDefinitionQuery().deploymentId(id).list()))) {
                return definition.getId();
            }
        }
        throw new IllegalStateException("no deployed version of " + processKey + " is one this node can run (level "
                + levels.get(processKey) + ")");
    }

    /** @return whether this jar ships every process of a deployment at the level of its version or higher */
    boolean runs(List<ProcessDefinition> definitions) {
        for (ProcessDefinition definition : definitions) {
            Integer own = levels.get(definition.getKey());
            int needed = ProcessLevels.level(definition.getVersionTag());
            if (own == null || needed < 0 || needed > own) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Health health() {
        return registered ? Health.up().withDetail("levels", levels).build()
                : Health.outOfService().withDetail("reason", "deployments not registered yet").build();
    }
}
