package io.kamiflow.ops;

import io.kamiflow.ops.security.AdminPrincipal;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Who did what to which subject, written in the caller's transaction so it commits with the change. */
@Component
public class AuditLog {

    private final JdbcClient jdbc;

    AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String action, String subject, String detail) {
        jdbc.sql("INSERT INTO audit_event (actor, action, subject, detail) VALUES (?, ?, ?, ?)")
                .params(actor(), action, subject, detail == null ? null : truncate(detail))
                .update();
    }

    private static String actor() {
        String admin = AdminPrincipal.current();
        return admin == null ? "system" : admin;
    }

    private static String truncate(String detail) {
        return detail.length() <= 2000 ? detail : detail.substring(0, 2000);
    }
}
