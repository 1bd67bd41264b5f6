package io.kamiflow.security;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.kamiflow.web.LogSafe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of engine REST and the webapps' API: a member of {@code kamiflow-support} who is not an admin (groups
 * {@code camunda-admin}, {@code kamiflow-admin}) may make only the calls of {@link SupportAllowlist} (everything else is
 * 403; {@link CamundaPathSpelling} has refused oddly spelled paths before). Camunda's own authorizations still apply
 * to what passes; this closes what TASK_WORK alone would allow (a BPMN error ending the order's process, a complete
 * beside the form) and whatever a later Camunda adds.
 * <p>
 * Who calls: engine REST's authentication filter has set it on the engine when this runs (ordered after it); the
 * webapps keep it in the HTTP session, read here directly since Camunda's webapp filters run after this one (its
 * groups as of the login or Camunda's last refresh of them, which its webapp filter makes every few minutes).
 */
class CamundaApiGuard extends OncePerRequestFilter {

    static final String SUPPORT_GROUP = IdentityBootstrap.SUPPORT_GROUP;
    static final List<String> ADMIN_GROUPS = List.of(Groups.CAMUNDA_ADMIN, AdminAuthenticationFilter.ADMIN_GROUP);

    private final IdentityService identity;
    private final SupportAllowlist allowlist;
    private final CamundaApiRefusals refusals;

    CamundaApiGuard(IdentityService identity, SupportAllowlist allowlist, CamundaApiRefusals refusals) {
        this.identity = identity;
        this.allowlist = allowlist;
        this.refusals = refusals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> path = RoutedPath.of(request); // CamundaPathSpelling, in front, refused ambiguous ones
        if (supportOnly(request) && (path.isEmpty() || !allowlist.permits(request.getMethod(), path.get()))) {
            refusals.refuse(response, CamundaApiRefusals.Reason.NOT_ALLOWED, "kamiflow-support may make the calls Tasklist "
                    + "needs (list, open and claim tasks, submit their forms), and " + LogSafe.of(request.getMethod()) + " "
                    + safe(path.orElse("/?")) + " is not one of them");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The path for an error detail: each segment through {@link LogSafe}, at most 10 of them. */
    private static String safe(String path) {
        return Arrays.stream(path.substring(1).split("/")).limit(10).map(LogSafe::of).collect(Collectors.joining("/", "/", ""));
    }

    /** In the support group and in no admin group; nobody logged in is Camunda's to refuse. */
    private boolean supportOnly(HttpServletRequest request) {
        List<String> groups = groups(request);
        return groups.contains(SUPPORT_GROUP) && ADMIN_GROUPS.stream().noneMatch(groups::contains);
    }

    private List<String> groups(HttpServletRequest request) {
        Authentication engineRest = identity.getCurrentAuthentication();
        if (engineRest != null && engineRest.getGroupIds() != null) {
            return engineRest.getGroupIds();
        }
        HttpSession session = request.getSession(false);
        if (session == null) {
            return List.of();
        }
        return AuthenticationUtil.getAuthsFromSession(session).getAuthentications().stream()
                .map(UserAuthentication::getGroupIds).filter(groups -> groups != null).flatMap(List::stream).toList();
    }
}
