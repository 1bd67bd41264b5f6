package io.kamiflow.security;

/**
 * The admin API user of the current request, for audit rows. Deliberately not Camunda's own
 * authentication: engine calls made by kamiflow's services (message correlation, queries) are the
 * application's, not the user's, so they are not subject to Camunda's authorization checks, which
 * guard only Camunda's REST API and webapps.
 */
public final class AdminPrincipal {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private AdminPrincipal() {
    }

    public static String current() {
        return CURRENT.get();
    }

    static void set(String userId) {
        CURRENT.set(userId);
    }

    static void clear() {
        CURRENT.remove();
    }
}
