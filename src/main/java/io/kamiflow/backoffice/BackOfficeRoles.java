package io.kamiflow.backoffice;

import java.util.Map;

import io.kamiflow.web.LanguageSwitch;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every back office page's header needs: whether the user is the owner (the nav shows the owner's pages only to
 * them), the user's name, and the links that switch the language.
 */
@ControllerAdvice(basePackageClasses = BackOfficeRoles.class)
class BackOfficeRoles {

    @ModelAttribute("languageLinks")
    Map<String, String> languageLinks() {
        return LanguageSwitch.links();
    }

    @ModelAttribute("user")
    String user(Authentication user) {
        return user == null ? null : user.getName();
    }

    @ModelAttribute("owner")
    boolean owner(Authentication user) {
        return user != null && user.getAuthorities().stream()
                .anyMatch(role -> ("ROLE_" + CamundaUsers.OWNER).equals(role.getAuthority()));
    }
}
