package io.kamiflow.ops;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Who did what to which subject, written in the caller's transaction so it commits with the change. */
@Component
public class AuditLog {

    private final JdbcClient jdbc;
    private final IdentityService identity;

    AuditLog(JdbcClient jdbc, IdentityService identity) {
        this.jdbc = jdbc;
        this.identity = identity;
    }

    public void record(String action, String subject, String detail) {
        jdbc.sql("INSERT INTO audit_event (actor, action, subject, detail) VALUES (?, ?, ?, ?)")
                .params(actor(), action, subject, detail == null ? null : truncate(detail))
                .update();
    }

    private String actor() {
        Authentication current = identity.getCurrentAuthentication();
        return current == null || current.getUserId() == null ? "system" : current.getUserId();
    }

    private static String truncate(String detail) {
        return detail.length() <= 2000 ? detail : detail.substring(0, 2000);
    }
}
