package io.kamiflow.security;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Camunda REST calls support may make: what Tasklist needs to list tasks, open one (its form, variables of the form,
 * candidate groups, comments, history and diagram), claim it and submit its form (which {@link TaskSubmissionGuard}
 * then checks), plus logging in and out. Matched on the {@link RoutedPath} of engine REST ({@code /engine-rest},
 * {@code /engine-rest/engine/{name}}) and of the webapps' API ({@code <app>/api/...}); anything not listed is refused,
 * so an endpoint a later Camunda adds is closed until it is listed here. HEAD counts as GET (Jersey answers it so).
 */
final class SupportAllowlist {

    private record Rule(Set<String> methods, Pattern path) {
    }

    private final List<Rule> rules;

    /** @param webapp the webapps' application path, e.g. {@code /camunda} */
    SupportAllowlist(String webapp) {
        String app = Pattern.quote(webapp);
        String engine = "(?:/engine-rest(?:/engine/[^/]+)?|" + app + "/api/engine/engine/[^/]+)";
        String id = "[^/]+";
        rules = List.of(
                rule("GET POST", engine + "/task(?:/count)?"),
                rule("GET", engine + "/task/" + id),
                rule("GET", engine + "/task/" + id + "/(?:form|deployed-form|form-variables|identity-links|comment)"),
                rule("POST", engine + "/task/" + id + "/(?:claim|submit-form)"),
                rule("GET OPTIONS", engine + "/filter(?:/" + id + ")?"),
                rule("GET POST", engine + "/filter/" + id + "/(?:list|count)"),
                rule("GET", engine + "/history/user-operation(?:/count)?"),
                rule("GET", engine + "/process-definition/" + id + "/xml"),
                rule("GET", engine + "/user/" + id + "/profile"),
                rule("GET", "(?:/engine-rest/engine|" + app + "/api/engine/engine)"),
                rule("GET", app + "/api/admin/auth/user/" + id),
                rule("POST", app + "/api/admin/auth/user/" + id + "/(?:login/" + id + "|logout)"),
                rule("GET", app + "/api/tasklist/plugin/" + id + "/static/.+"));
    }

    boolean permits(String method, String routedPath) {
        String verb = method.equals("HEAD") ? "GET" : method;
        return rules.stream().anyMatch(rule -> rule.methods().contains(verb) && rule.path().matcher(routedPath).matches());
    }

    private static Rule rule(String methods, String path) {
        return new Rule(Set.of(methods.split(" ")), Pattern.compile(path));
    }
}
