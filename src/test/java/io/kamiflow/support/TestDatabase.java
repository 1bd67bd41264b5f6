package io.kamiflow.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Finds the PostgreSQL the tests run on, once per JVM, in the order docs/testing.md gives:
 * KAMIFLOW_TEST_DB_URL (with KAMIFLOW_TEST_DB_USER / KAMIFLOW_TEST_DB_PASSWORD), else the
 * kamiflow_test database on localhost:5432 (created when the server lets us), else an embedded
 * PostgreSQL (zonky; it refuses to run as root), else a failure that says how to get one.
 */
public final class TestDatabase {

    public record Db(String url, String user, String password) {
    }

    static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/kamiflow_test";
    static final String LOCAL_USER = "kamiflow";
    static final String LOCAL_PASSWORD = "kamiflow";

    private static Db resolved;
    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    public static synchronized Db get() {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    private static Db resolve() {
        String url = System.getenv("KAMIFLOW_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return new Db(url, env("KAMIFLOW_TEST_DB_USER", LOCAL_USER), env("KAMIFLOW_TEST_DB_PASSWORD", LOCAL_PASSWORD));
        }
        StringBuilder tried = new StringBuilder();
        Db local = new Db(LOCAL_URL, LOCAL_USER, LOCAL_PASSWORD);
        if (canConnect(local, tried) || (createLocalDatabase(tried) && canConnect(local, tried))) {
            return local;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            try {
                embedded = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::closeEmbedded));
                return new Db(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
            } catch (Exception e) {
                tried.append("\n - embedded PostgreSQL (zonky): ").append(e.getMessage());
            }
        } else {
            tried.append("\n - embedded PostgreSQL: skipped, it cannot run as root");
        }
        throw new IllegalStateException("""
                No PostgreSQL for the tests. Tried:%s
                Fix one of:
                 - run `bash .ci/run` (installs and starts a local PostgreSQL, creates role and database), or
                 - create them yourself: createuser kamiflow -P (password kamiflow); createdb -O kamiflow kamiflow_test, or
                 - point KAMIFLOW_TEST_DB_URL (+ KAMIFLOW_TEST_DB_USER, KAMIFLOW_TEST_DB_PASSWORD) at a database, or
                 - run the tests as a non-root user so the embedded PostgreSQL can start.""".formatted(tried));
    }

    private static boolean canConnect(Db db, StringBuilder tried) {
        try (Connection ignored = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            return true;
        } catch (SQLException e) {
            tried.append("\n - ").append(db.url()).append(" as ").append(db.user()).append(": ").append(e.getMessage());
            return false;
        }
    }

    /** On a developer machine with trust auth for postgres, create the role and database the tests expect. */
    private static boolean createLocalDatabase(StringBuilder tried) {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://localhost:5432/postgres", "postgres", "");
             Statement sql = admin.createStatement()) {
            if (!sql.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = 'kamiflow'").next()) {
                sql.execute("CREATE ROLE kamiflow LOGIN PASSWORD 'kamiflow'");
            }
            if (!sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'kamiflow_test'").next()) {
                sql.execute("CREATE DATABASE kamiflow_test OWNER kamiflow");
            }
            return true;
        } catch (SQLException e) {
            tried.append("\n - creating kamiflow_test as postgres on localhost:5432: ").append(e.getMessage());
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void closeEmbedded() {
        try {
            embedded.close();
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }
}
