package io.kamiflow.fulfillment;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The leases of {@code key_mail_queue} rows, all on the database's clock ({@code CURRENT_TIMESTAMP}): nodes whose
 * own clocks disagree still agree on whether a lease has passed. Each statement is short and runs in the caller's
 * transaction, or on its own when there is none. A row is the mail's token: whoever deletes it owns the mail.
 */
final class KeyMailLeases {

    /** now + the lease, in the database; PostgreSQL and H2 both read it. */
    private static final String LEASE_END = "CURRENT_TIMESTAMP + CAST(:lease AS BIGINT) * INTERVAL '0.001' SECOND";

    private final JdbcClient jdbc;
    private final Supplier<Duration> lease;

    KeyMailLeases(JdbcClient jdbc, Supplier<Duration> lease) {
        this.jdbc = jdbc;
        this.lease = lease;
    }

    void insert(long orderId, String owner) {
        jdbc.sql("INSERT INTO key_mail_queue (order_id, owner, lease_until) VALUES (:order, :owner, " + LEASE_END + ")")
                .param("order", orderId).param("owner", owner).param("lease", leaseMillis()).update();
    }

    /** @return whether the row is still the owner's (then its lease runs a full lease from now) */
    boolean renew(long orderId, String owner) {
        return renew(List.of(orderId), owner) == 1;
    }

    /** @return how many of the rows were still the owner's */
    int renew(Collection<Long> orderIds, String owner) {
        return jdbc.sql("UPDATE key_mail_queue SET lease_until = " + LEASE_END
                        + " WHERE owner = :owner AND order_id IN (:orders)")
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
}
