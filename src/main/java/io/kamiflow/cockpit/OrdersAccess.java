package io.kamiflow.cockpit;

import io.kamiflow.security.IdentityBootstrap;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

/**
 * Who may open the Orders view: a Camunda grant of ACCESS on the application {@value #APPLICATION}, kept in
 * Camunda Admin like the grants for Cockpit and Tasklist themselves.
 */
@Component
public class OrdersAccess {

    public static final String APPLICATION = IdentityBootstrap.ORDERS_APPLICATION;

    private final AuthorizationService authorizations;

    OrdersAccess(AuthorizationService authorizations) {
        this.authorizations = authorizations;
    }

    boolean allowed(Authentication user) {
        return user != null && user.getUserId() != null && authorizations.isUserAuthorized(user.getUserId(),
                user.getGroupIds(), Permissions.ACCESS, Resources.APPLICATION, APPLICATION);
    }
}
