package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import io.kamiflow.db.SqlDialect;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The leases of {@code key_mail_queue} rows, all on the database's clock: nodes whose own clocks disagree still agree
 * on whether a lease has passed. On PostgreSQL a lease runs from the statement ({@code clock_timestamp()}), not from
 * the start of its transaction ({@code CURRENT_TIMESTAMP}): a paying callback's transaction that took seconds to reach
 * its queueing on a busy node must not hand a lease over that is already mostly spent. Each statement is short and runs in the caller's
 * transaction, or on its own when there is none. A row is the mail's token: whoever deletes it owns the mail.
 */
final class KeyMailLeases {

    /** now + the lease, in the database; H2 (one node, the dev default) reads the transaction's start. */
    private static final String LEASE_END_H2 = "CURRENT_TIMESTAMP + CAST(:lease AS BIGINT) * INTERVAL '0.001' SECOND";
    private static final String LEASE_END_POSTGRES = "clock_timestamp() + CAST(:lease AS BIGINT) * INTERVAL '0.001' SECOND";
    /** Less than two thirds of a lease left (PostgreSQL; bind {@link #twoThirds()} as :left): the sender renews then. */
    private static final String RUNNING_OUT = "lease_until < clock_timestamp() + CAST(:left AS BIGINT) * INTERVAL '0.001' SECOND";

    private final JdbcClient jdbc;
    private final Supplier<Duration> lease;

    private final boolean postgres;
    private final String leaseEnd;

    KeyMailLeases(JdbcClient jdbc, Supplier<Duration> lease, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.lease = lease;
        this.postgres = dialect.postgres();
        this.leaseEnd = postgres ? LEASE_END_POSTGRES : LEASE_END_H2;
    }

    void insert(long orderId, String owner) {
        jdbc.sql("INSERT INTO key_mail_queue (order_id, owner, lease_until) VALUES (:order, :owner, " + leaseEnd + ")")
                .param("order", orderId).param("owner", owner).param("lease", leaseMillis()).update();
    }

    /** @return whether the row is still the owner's (then its lease runs a full lease from now) */
    boolean renew(long orderId, String owner) {
        return renew(List.of(orderId), owner) == 1;
    }

    /** @return how many of the rows were still the owner's */
    int renew(Collection<Long> orderIds, String owner) {
        return jdbc.sql("UPDATE key_mail_queue SET lease_until = " + leaseEnd
                        + " WHERE owner = :owner AND order_id IN (:orders)")
                .param("lease", leaseMillis()).param("owner", owner).param("orders", orderIds).update();
    }

    /**
     * In the sender's transaction before its reveal: locks the row if it is still the owner's (a sweep skips it and a
     * refund's drop waits until the reveal commits), and renews its lease only when less than two thirds of one is
     * left. A row locked is not a row written again: no new version, no index entries (the lease is indexed), which
     * the unconditional renewal cost every mail. H2 renews.
     *
     * @return false when the row is no longer the owner's (taken over, or dropped by a refund)
     */
    boolean hold(long orderId, String owner) {
        if (!postgres) {
            return renew(orderId, owner);
        }
        List<Boolean> runningOut = jdbc.sql("SELECT " + RUNNING_OUT
                        + " FROM key_mail_queue WHERE owner = :owner AND order_id = :order FOR UPDATE")
                .param("left", twoThirds()).param("owner", owner).param("order", orderId).query(Boolean.class).list();
        if (runningOut.isEmpty()) {
            return false;
        }
        return !runningOut.get(0) || renew(orderId, owner);
    }

    /**
     * In the transaction that has just held the row (still the owner's, and locked): a whole lease again from now
     * when less than two thirds of one is left. A quick read-and-reveal writes nothing more; a slow one (cold
     * templates, a locked key) hands its SMTP conversation a whole lease. H2 renews (its clock is the transaction's).
     */
    void topUp(long orderId, String owner) {
        if (!postgres) {
            renew(orderId, owner);
            return;
        }
        jdbc.sql("UPDATE key_mail_queue SET lease_until = " + leaseEnd + " WHERE owner = :owner AND order_id = :order"
                        + " AND " + RUNNING_OUT)
                .param("lease", leaseMillis()).param("left", twoThirds()).param("owner", owner)
                .param("order", orderId).update();
    }

    /**
     * The heartbeat's renewal: as {@link #renew(Collection, String)}, skipping rows another transaction has locked
     * (a sweep handing that mail over, or this node's sender renewing it itself) instead of waiting for them. One
     * slow hand-over must not stall the renewal of every other mail the node holds: they would pass too, and the sweep
     * would take them over one by one. H2 runs one node, whose own sweep and senders lock rows only briefly.
     * @return how many of the rows were renewed
     */
    int renewUnlocked(Collection<Long> orderIds, String owner) {
        if (!postgres) {
            return renew(orderIds, owner);
        }
        return jdbc.sql("UPDATE key_mail_queue SET lease_until = " + leaseEnd + " WHERE order_id IN (SELECT order_id"
                        + " FROM key_mail_queue WHERE owner = :owner AND order_id IN (:orders) FOR UPDATE SKIP LOCKED)")
                .param("lease", leaseMillis()).param("owner", owner).param("orders", orderIds).update();
    }

    /** The owner gives the row up: any node's next sweep takes it. */
    int end(long orderId, String owner) {
        return jdbc.sql("UPDATE key_mail_queue SET lease_until = CURRENT_TIMESTAMP WHERE owner = ? AND order_id = ?")
                .params(owner, orderId).update();
    }

    /** The owner gives up every row but those it is still sending. */
    int endAllBut(String owner, Collection<Long> kept) {
        if (kept.isEmpty()) {
            return jdbc.sql("UPDATE key_mail_queue SET lease_until = CURRENT_TIMESTAMP WHERE owner = ?").param(owner).update();
        }
        return jdbc.sql("UPDATE key_mail_queue SET lease_until = CURRENT_TIMESTAMP WHERE owner = :owner"
                        + " AND order_id NOT IN (:kept)").param("owner", owner).param("kept", kept).update();
    }

    /** Rows whose lease has passed, locked for the caller's transaction; rows locked elsewhere are skipped. */
    List<Long> passed(int limit) {
        return jdbc.sql("""
                SELECT order_id FROM key_mail_queue WHERE lease_until <= CURRENT_TIMESTAMP ORDER BY lease_until
                LIMIT ? FOR UPDATE SKIP LOCKED""").param(limit).query(Long.class).list();
    }

    /** Deletes the row if it is still the owner's. @return whether it was */
    boolean release(long orderId, String owner) {
        return jdbc.sql("DELETE FROM key_mail_queue WHERE order_id = ? AND owner = ?").params(orderId, owner).update() > 0;
    }

    /** Deletes the row whoever holds it. @return whether there was one */
    boolean drop(long orderId) {
        return jdbc.sql("DELETE FROM key_mail_queue WHERE order_id = ?").param(orderId).update() > 0;
    }

    private long leaseMillis() {
        return lease.get().toMillis();
    }

    private long twoThirds() {
        return leaseMillis() * 2 / 3;
    }
}
