package io.kamiflow.security;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Makes sure the groups kamiflow relies on exist, that the configured Camunda admin user
 * (camunda.bpm.admin-user, also in camunda-admin) may use the admin API and the support tasks, and
 * that {@code kamiflow-support} may use Tasklist and work its tasks, and nothing else of Camunda:
 * with authorization on, support users cannot open Cockpit or Admin, read process data or set variables.
 * {@code kamiflow-admin} may open Cockpit and its Orders view.
 */
@Component
@Order(0)
public class IdentityBootstrap implements ApplicationRunner {

    public static final String SUPPORT_GROUP = "kamiflow-support";
    /** Shop staff: the back office (products, keys, orders), not Camunda's webapps. */
    public static final String MERCHANT_GROUP = "kamiflow-merchant";
    /** The Camunda application whose ACCESS grant opens Cockpit's Orders view (cockpit.OrdersAccess checks it). */
    public static final String ORDERS_APPLICATION = "kamiflow-orders";

    private final IdentityService identity;
    private final AuthorizationService authorizations;
    private final CamundaBpmProperties camunda;

    IdentityBootstrap(IdentityService identity, AuthorizationService authorizations, CamundaBpmProperties camunda) {
        this.identity = identity;
        this.authorizations = authorizations;
        this.camunda = camunda;
    }

    @Override
    public void run(ApplicationArguments args) {
        ensureGroup(AdminAuthenticationFilter.ADMIN_GROUP, "kamiflow admins");
        ensureGroup(SUPPORT_GROUP, "kamiflow support");
        ensureGroup(MERCHANT_GROUP, "kamiflow shop staff");
        // admins open Cockpit and its Orders view (OrdersAccess); support gets neither
        grant(AdminAuthenticationFilter.ADMIN_GROUP, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
        grant(AdminAuthenticationFilter.ADMIN_GROUP, Resources.APPLICATION, ORDERS_APPLICATION, Permissions.ACCESS);
        grant(SUPPORT_GROUP, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
        grant(SUPPORT_GROUP, Resources.FILTER, "*", Permissions.READ);
        // read, claim and complete; no UPDATE: task variables change only through the form (TaskSubmissionGuard)
        grant(SUPPORT_GROUP, Resources.TASK, "*", TaskPermissions.READ, TaskPermissions.TASK_WORK);
        revokeAll(SUPPORT_GROUP, Resources.HISTORIC_TASK); // granted by earlier versions; Tasklist does not need it
        // the task's process (name, diagram) and its deployed Camunda Form
        grant(SUPPORT_GROUP, Resources.PROCESS_DEFINITION, "order-fulfillment", ProcessDefinitionPermissions.READ);
        grant(SUPPORT_GROUP, Resources.PROCESS_DEFINITION, "payment-refund", ProcessDefinitionPermissions.READ);
        grant(SUPPORT_GROUP, Resources.DEPLOYMENT, "*", Permissions.READ);
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

    /** The group gets exactly these permissions on the resource: more granted earlier are taken back. */
    private void grant(String group, Resource resource, String resourceId, Permission... permissions) {
        Authorization grant = authorizations.createAuthorizationQuery().groupIdIn(group).resourceType(resource)
                .resourceId(resourceId).list().stream().findFirst().orElse(null);
        if (grant == null) {
            grant = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
            grant.setGroupId(group);
            grant.setResource(resource);
            grant.setResourceId(resourceId);
        }
        grant.setPermissions(permissions);
        authorizations.saveAuthorization(grant);
    }

    private void revokeAll(String group, Resource resource) {
        authorizations.createAuthorizationQuery().groupIdIn(group).resourceType(resource).list()
                .forEach(grant -> authorizations.deleteAuthorization(grant.getId()));
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
