package io.kamiflow.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic for the admin API, checked against Camunda's identity service so merchants, support and
 * Cockpit share one user store (failed logins are throttled per address by {@link LoginThrottleFilter}). Only
 * members of {@code kamiflow-admin} pass.
 * The Camunda authentication is set for the request so audit rows and the engine's operation log name the user.
 * Under {@code /v3/} (the OpenAPI documents) everything needs it too, but the buyer document and swagger-ui's
 * configuration: the admin document exists in more forms (JSON, YAML, per group) than one could list.
 */
public class AdminAuthenticationFilter extends OncePerRequestFilter {

    public static final String ADMIN_GROUP = "kamiflow-admin";

    /** Public documents, as {@link RoutedPath}: the buyer API in both forms and swagger-ui's list of documents. */
    static final Set<String> PUBLIC = Set.of("/v3/api-docs/buyer", "/v3/api-docs.yaml/buyer", "/v3/api-docs/swagger-config");

    private final IdentityService identity;
    private final ObjectMapper json;

    public AdminAuthenticationFilter(IdentityService identity, ObjectMapper json) {
        this.identity = identity;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return RoutedPath.of(request).filter(PUBLIC::contains).isPresent();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String[] credentials = basicCredentials(request.getHeader("Authorization"));
        if (credentials == null || !identity.checkPassword(credentials[0], credentials[1])) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"kamiflow admin\", charset=\"UTF-8\"");
            reject(response, HttpStatus.UNAUTHORIZED, "admin API needs HTTP Basic credentials of a kamiflow-admin user");
            return;
        }
        List<String> groups = identity.createGroupQuery().groupMember(credentials[0]).list().stream().map(Group::getId).toList();
        if (!groups.contains(ADMIN_GROUP)) {
            reject(response, HttpStatus.FORBIDDEN, "user '" + credentials[0] + "' is not in group " + ADMIN_GROUP);
            return;
        }
        AdminPrincipal.set(credentials[0]);
        try {
            chain.doFilter(request, response);
        } finally {
            AdminPrincipal.clear();
        }
    }

    private static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void reject(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ProblemDetail.forStatusAndDetail(status, detail));
    }
}
