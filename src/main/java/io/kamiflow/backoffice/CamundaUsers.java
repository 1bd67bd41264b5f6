package io.kamiflow.backoffice;

import java.util.ArrayList;
import java.util.List;

import io.kamiflow.security.AdminAuthenticationFilter;
import io.kamiflow.security.IdentityBootstrap;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Back office logins are Camunda users (one set of users for Cockpit, Tasklist and the back office): the password is
 * checked by the identity service, the roles come from the groups. Any user with a valid password logs in; what they
 * may open is decided by the roles (a support user gets the 403 page, not a login error that would hint at nothing).
 */
class CamundaUsers implements AuthenticationProvider {

    static final String OWNER = "OWNER";
    static final String MERCHANT = "MERCHANT";

    private final IdentityService identity;

    CamundaUsers(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public Authentication authenticate(Authentication login) {
        String user = login.getName() == null ? "" : login.getName().strip();
        Object password = login.getCredentials();
        if (user.isEmpty() || !(password instanceof String secret) || !identity.checkPassword(user, secret)) {
            throw new BadCredentialsException("unknown user or wrong password"); // never which of the two
        }
        List<GrantedAuthority> roles = new ArrayList<>();
        for (Group group : identity.createGroupQuery().groupMember(user).list()) {
            if (AdminAuthenticationFilter.ADMIN_GROUP.equals(group.getId())) {
                roles.add(new SimpleGrantedAuthority("ROLE_" + OWNER));
            } else if (IdentityBootstrap.MERCHANT_GROUP.equals(group.getId())) {
                roles.add(new SimpleGrantedAuthority("ROLE_" + MERCHANT));
            }
        }
        return UsernamePasswordAuthenticationToken.authenticated(user, null, roles);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
