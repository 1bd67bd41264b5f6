package io.kamiflow.engine.versions;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The level of each process this jar ships: its {@code camunda:versionTag} as a whole number, none = 0. A version of a
 * process needs code of at least its level; the jar runs versions up to the levels of its own BPMN files.
 */
public final class ProcessLevels {

    private ProcessLevels() {
    }

    /** @return process key to level, read from the BPMN files this jar deploys */
    static Map<String, Integer> ofJar(String... patterns) {
        Map<String, Integer> levels = new HashMap<>();
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        try {
            for (String pattern : patterns) {
                if (!pattern.endsWith(".bpmn")) {
                    continue;
                }
                for (Resource resource : resolver.getResources(pattern)) {
                    try (InputStream in = resource.getInputStream()) {
                        for (Process process : Bpmn.readModelFromStream(in).getModelElementsByType(Process.class)) {
                            int level = level(process.getCamundaVersionTag());
                            if (level < 0) {
                                throw new IllegalStateException("process " + process.getId() + " in " + resource.getFilename()
                                        + ": camunda:versionTag must be a whole number (its level), see docs/upgrades.md");
                            }
                            levels.put(process.getId(), level);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the BPMN files of this jar", e);
        }
        return Map.copyOf(levels);
    }

    /** @return the level a version tag states: none = 0, not a whole number = -1 (no jar runs it) */
    static int level(String versionTag) {
        if (versionTag == null || versionTag.isBlank()) {
            return 0;
        }
        try {
            return Math.max(-1, Integer.parseInt(versionTag.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
