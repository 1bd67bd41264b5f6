package io.kamiflow.engine.jobs;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gives jobs this node locked back to every node's acquisition, as Camunda's own unlock does: owner and expiry
 * cleared, REV_ + 1 so a stale copy of the job fails its optimistic lock. Only rows still carrying the owner change.
 */
final class JobLocks {

    private static final String UNLOCK = "UPDATE act_ru_job SET lock_owner_ = NULL, lock_exp_time_ = NULL, rev_ = rev_ + 1 "
            + "WHERE lock_owner_ = ?";

    private final JdbcTemplate jdbc;

    JobLocks(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** @return how many jobs were unlocked */
    int unlockAllHeldBy(String owner) {
        return jdbc.update(UNLOCK, owner);
    }

    /** Unlocks the job if {@code owner} still holds it. */
    void unlock(String jobId, String owner) {
        jdbc.update(UNLOCK + " AND id_ = ?", owner, jobId);
    }
}
