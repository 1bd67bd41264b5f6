package io.kamiflow.ops.security;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Makes sure the groups kamiflow relies on exist, and that the configured Camunda admin user
 * (camunda.bpm.admin-user) may use the admin API and the support tasks.
 */
@Component
@Order(0)
public class IdentityBootstrap implements ApplicationRunner {

    public static final String SUPPORT_GROUP = "kamiflow-support";

    private final IdentityService identity;
    private final CamundaBpmProperties camunda;

    IdentityBootstrap(IdentityService identity, CamundaBpmProperties camunda) {
        this.identity = identity;
        this.camunda = camunda;
    }

    @Override
    public void run(ApplicationArguments args) {
        ensureGroup(AdminAuthenticationFilter.ADMIN_GROUP, "kamiflow admins");
        ensureGroup(SUPPORT_GROUP, "kamiflow support");
        String admin = camunda.getAdminUser() == null ? null : camunda.getAdminUser().getId();
        if (admin != null && identity.createUserQuery().userId(admin).count() == 1) {
            ensureMember(admin, AdminAuthenticationFilter.ADMIN_GROUP);
            ensureMember(admin, SUPPORT_GROUP);
        }
    }

    public void ensureUser(String id, String password, String group) {
        if (identity.createUserQuery().userId(id).count() == 0) {
            User user = identity.newUser(id);
            user.setPassword(password);
            user.setFirstName(id);
            user.setLastName("(kamiflow)");
            identity.saveUser(user);
        }
        ensureMember(id, group);
    }

    private void ensureGroup(String id, String name) {
        if (identity.createGroupQuery().groupId(id).count() == 0) {
            Group group = identity.newGroup(id);
            group.setName(name);
            group.setType("WORKFLOW");
            identity.saveGroup(group);
        }
    }

    private void ensureMember(String user, String group) {
        if (identity.createUserQuery().userId(user).memberOfGroup(group).count() == 0) {
            identity.createMembership(user, group);
        }
    }
}
