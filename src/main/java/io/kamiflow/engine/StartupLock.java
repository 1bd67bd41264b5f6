package io.kamiflow.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Nodes sharing one PostgreSQL start one at a time: a session-level advisory lock, on a connection used for
 * nothing else, is held from before Flyway's migration through Camunda's schema creation, deployment and
 * admin-user/filter creation and kamiflow's own start-up runners (IdentityBootstrap), until the application is
 * ready. Two nodes starting at once on an empty database would otherwise both create the schema or the same
 * groups and one would die on a duplicate key. A node that dies while holding it loses its session and with it
 * the lock. Other databases (the H2 dev default) have a single node and take no lock.
 */
public class StartupLock implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    /** Advisory locks are per database; this key is kamiflow's start-up lock in it. */
    public static final long KEY = 0x6b616d69_666c6f77L; // "kamiflow"

    static final String BEAN_NAME = "kamiflowStartupLock";

    private static final Logger log = LoggerFactory.getLogger(StartupLock.class);

    private Connection connection;

    StartupLock(DataSource dataSource) throws SQLException {
        Connection candidate = dataSource.getConnection();
        try {
            if (!candidate.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres")) {
                candidate.close();
                return;
            }
            candidate.setAutoCommit(true);
            if (!query(candidate, "SELECT pg_try_advisory_lock(?)")) {
                log.info("another node is starting on this database (migrating, creating the engine's schema): waiting for it");
                long started = System.nanoTime();
                query(candidate, "SELECT pg_advisory_lock(?) IS NOT NULL");
                log.info("start-up lock acquired after {} ms", (System.nanoTime() - started) / 1_000_000);
            }
            connection = candidate;
        } catch (SQLException | RuntimeException e) {
            candidate.close();
            throw e;
        }
    }

    /** @return whether this node holds the lock now (false on databases that take none, and once released) */
    public synchronized boolean held() {
        return connection != null;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        release();
    }

    /** The context failed or closed before it was ready: let the next node in. */
    @Override
    public void destroy() {
        release();
    }

    synchronized void release() {
        if (connection == null) {
            return;
        }
        try (Connection held = connection) {
            query(held, "SELECT pg_advisory_unlock(?)");
        } catch (SQLException e) {
            log.warn("could not release the start-up lock explicitly; closing its connection releases it: {}", e.toString());
        } finally {
            connection = null;
        }
    }

    private static boolean query(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, KEY);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }
}
