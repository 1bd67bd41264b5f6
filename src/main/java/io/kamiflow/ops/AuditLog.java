package io.kamiflow.ops;

import io.kamiflow.security.AdminPrincipal;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who did what to which subject, written in the caller's transaction so it commits with the change. The
 * actor is the admin API user, else the back office user, else the Camunda user of the request (Tasklist, engine REST),
 * else "system".
 */
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
        String admin = AdminPrincipal.current();
        if (admin != null) {
            return admin;
        }
        org.springframework.security.core.Authentication backOffice = SecurityContextHolder.getContext().getAuthentication();
        if (backOffice != null && backOffice.isAuthenticated() && backOffice.getName() != null) {
            return backOffice.getName(); // a back office user (the storefront authenticates nobody)
        }
        Authentication camundaUser = identity.getCurrentAuthentication();
        return camundaUser == null || camundaUser.getUserId() == null ? "system" : camundaUser.getUserId();
    }

    private static String truncate(String detail) {
        return detail.length() <= 2000 ? detail : detail.substring(0, 2000);
    }
}
