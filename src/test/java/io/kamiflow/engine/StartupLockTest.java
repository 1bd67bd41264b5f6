package io.kamiflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.kamiflow.support.SecondNode;
import io.kamiflow.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Nodes starting at once on one database take turns: a node that finds the start-up lock taken waits before it
 * migrates or builds the engine, and goes on once the lock is free.
 */
class StartupLockTest {

    private final TestDatabase.Db db = TestDatabase.get();

    @Test
    void theSecondOfTwoContendingLocksWaitsUntilTheFirstIsReleased() throws Exception {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        StartupLock first = new StartupLock(dataSource);
        assertThat(first.held()).isTrue();

        CompletableFuture<StartupLock> second = CompletableFuture.supplyAsync(() -> {
            try {
                return new StartupLock(dataSource);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try (Connection observer = connect()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForTheLock(observer) == 1);
            Thread.sleep(500);
            assertThat(second).as("the second node waits while the first holds the lock").isNotDone();

            first.release();
            StartupLock next = second.get(10, TimeUnit.SECONDS);
            assertThat(next.held()).isTrue();
            assertThat(waitingForTheLock(observer)).isZero();
            next.release();
            assertThat(holdingTheLock(observer)).isZero();
        }
    }

    @Test
    void aNodeStartingWhileAnotherStartsWaitsBeforeMigratingOrBuildingTheEngineThenStarts() throws Exception {
        try (Connection otherNode = connect(); Connection observer = connect()) {
            lock(otherNode, "SELECT pg_advisory_lock(?)");
            AtomicReference<ConfigurableApplicationContext> created = new AtomicReference<>();
            // no job executor: this node only has to start; the readiness group then lacks its indicator
            CompletableFuture<ConfigurableApplicationContext> node = CompletableFuture.supplyAsync(() -> SecondNode.start(
                    "startup-lock-test", Map.of("camunda.bpm.job-execution.enabled", false,
                            "management.endpoint.health.validate-group-membership", false), created::set));
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> waitingForTheLock(observer) == 1);
                Thread.sleep(1000);
                assertThat(node).isNotDone();
                var beans = created.get().getBeanFactory();
                assertThat(beans.containsSingleton("flywayInitializer")).as("Flyway ran before the lock").isFalse();
                assertThat(beans.containsSingleton("processEngineFactoryBean")).as("engine built before the lock").isFalse();
            } finally {
                lock(otherNode, "SELECT pg_advisory_unlock(?)");
            }
            try (ConfigurableApplicationContext started = node.get(180, TimeUnit.SECONDS)) {
                assertThat(started.isRunning()).isTrue();
                assertThat(started.getBeanFactory().containsSingleton("flywayInitializer")).isTrue();
                assertThat(started.getBean(StartupLock.class).held()).as("released once ready").isFalse();
                assertThat(holdingTheLock(observer)).isZero();
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    private static void lock(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, StartupLock.KEY);
            statement.executeQuery().close();
        }
    }

    /** A bigint advisory lock shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1. */
    private static long waitingForTheLock(Connection observer) throws SQLException {
        return locks(observer, false);
    }

    private static long holdingTheLock(Connection observer) throws SQLException {
        return locks(observer, true);
    }

    private static long locks(Connection observer, boolean granted) throws SQLException {
        try (PreparedStatement statement = observer.prepareStatement("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database
                WHERE datname = current_database()) AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1
                AND granted = ?""")) {
            statement.setLong(1, StartupLock.KEY >>> 32);
            statement.setLong(2, StartupLock.KEY & 0xffffffffL);
            statement.setBoolean(3, granted);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
