package io.kamiflow.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Before anything else looks at a Camunda REST path (engine REST, the webapps' API): it must be spelled plainly. An
 * ambiguous {@link RoutedPath} is refused, and so is an encoded letter in the part the container maps to a servlet
 * ({@code /camunda/api/%65ngine/...} is the engine API's servlet to the container, but not to Camunda's webapp security
 * filter, which matches raw paths and would let it pass as an unknown path). 400 problem+json for everyone.
 */
class CamundaPathSpelling extends OncePerRequestFilter {

    private final CamundaApiRefusals refusals;

    CamundaPathSpelling(CamundaApiRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (RoutedPath.of(request).isEmpty()) {
            refusals.refuse(response, CamundaApiRefusals.Reason.AMBIGUOUS_PATH, "the path is spelled ambiguously (empty or "
                    + "dot segments, path parameters, an encoded '/', '\\\\', ';' or '%'): spell it plainly");
            return;
        }
        if (!request.getRequestURI().startsWith(request.getContextPath() + request.getServletPath())) {
            refusals.refuse(response, CamundaApiRefusals.Reason.AMBIGUOUS_PATH,
                    "spell '" + request.getServletPath() + "' plainly, without percent-encoding");
            return;
        }
        chain.doFilter(request, response);
    }
}
