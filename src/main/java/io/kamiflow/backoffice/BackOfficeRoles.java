package io.kamiflow.backoffice;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Tells every back office page whether the user is the owner: the nav shows the owner's pages only to them. */
@ControllerAdvice(basePackageClasses = BackOfficeRoles.class)
class BackOfficeRoles {

    @ModelAttribute("owner")
    boolean owner(Authentication user) {
        return user != null && user.getAuthorities().stream()
                .anyMatch(role -> ("ROLE_" + CamundaUsers.OWNER).equals(role.getAuthority()));
    }
}
