package io.kamiflow.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's view of the application's sessions, read on a connection of its own (the application's pool may be
 * exhausted: that is what the tests look for). A session idle inside a transaction for over a second is what a
 * transaction held open across a network call looks like.
 */
public final class DatabaseSessions {

    private DatabaseSessions() {
    }

    /** pid and last statement of every session of this database idle in a transaction for more than a second. */
    public static List<String> idleInTransactionForASecond() {
        TestDatabase.Db db = TestDatabase.get();
        try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT pid || ' since ' || state_change || ': ' || left(query, 160) FROM pg_stat_activity
                     WHERE datname = current_database() AND state = 'idle in transaction'
                     AND state_change < clock_timestamp() - interval '1 second'""")) {
            List<String> sessions = new ArrayList<>();
            while (rows.next()) {
                sessions.add(rows.getString(1));
            }
            return sessions;
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_activity not readable", e);
        }
    }
}
