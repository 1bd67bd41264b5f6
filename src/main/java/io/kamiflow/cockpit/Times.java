package io.kamiflow.cockpit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Date;

import io.kamiflow.web.JsonTimes;

/** Times in the plugin's JSON are ISO-8601 instants (UTC), whatever the database session's zone. */
final class Times {

    private Times() {
    }

    static String text(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : JsonTimes.text(value.toInstant());
    }

    static String text(Date value) {
        return value == null ? null : JsonTimes.text(value.toInstant());
    }
}
