package io.kamiflow.fulfillment;

/**
 * Which version of a process this node starts new instances on: the newest one its jar can run. During a rolling
 * upgrade an older node must not start an instance on a newer version whose first steps (run inline, before the first
 * async boundary) need code it lacks (docs/upgrades.md, rule 1).
 */
public interface RunnableVersions {

    /** @return the id of the newest deployed definition of {@code processKey} this node can run */
    String newestRunnable(String processKey);
}
