package io.kamiflow.security;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The support forms under forms/ (Camunda Forms JSON), read once: which fields each form has and which
 * values they accept. A task submission may set these fields and nothing else.
 */
@Component
public class TaskForms {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /**
     * A form's {@code conditional: {hide: "=variable != literal"}}: the field is offered only while the task's variable
     * equals the literal (true, false or a "string"), e.g. a decision radio per situation the task is created in.
     */
    record ShownWhen(String variable, Object value) {

        private static final Pattern HIDE = Pattern.compile("=\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*!=\\s*(true|false|\"[^\"]*\")\\s*");

        static ShownWhen of(String hide, String field) {
            Matcher matcher = HIDE.matcher(hide);
            if (!matcher.matches()) { // anything else would be hidden in Tasklist yet accepted here: refused at start
                throw new IllegalStateException("field " + field + ": conditional hide '" + hide
                        + "' is not of the form =variable != literal");
            }
            String literal = matcher.group(2);
            return new ShownWhen(matcher.group(1), literal.startsWith("\"") ? literal.substring(1, literal.length() - 1)
                    : Boolean.valueOf(literal));
        }

        boolean shown(Map<String, Object> variables) {
            return value.equals(variables.get(variable));
        }
    }

    /**
     * One input of a form: its allowed values (radio/select), required (while shown), max length, email format, and
     * the situation it is shown in ({@code null}: always).
     */
    record Field(String key, Set<String> options, boolean required, Integer maxLength, boolean email, ShownWhen shownWhen) {

        boolean shown(Map<String, Object> variables) {
            return shownWhen == null || shownWhen.shown(variables);
        }

        Optional<String> problem(String value) {
            if (value == null || value.isEmpty()) {
                return required ? Optional.of(key + " is required") : Optional.empty();
            }
            if (options != null && !options.contains(value)) {
                return Optional.of(key + " must be one of " + options);
            }
            if (maxLength != null && value.length() > maxLength) {
                return Optional.of(key + " is longer than " + maxLength + " characters");
            }
            if (email && !EMAIL.matcher(value.strip()).matches()) {
                return Optional.of(key + " is not a valid email address");
            }
            return Optional.empty();
        }
    }

    private final Map<String, Map<String, Field>> forms = new HashMap<>();

    TaskForms(ObjectMapper json) throws IOException {
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:forms/*.form")) {
            try (InputStream in = resource.getInputStream()) {
                JsonNode form = json.readTree(in);
                forms.put(form.path("id").asText(), fields(form));
            }
        }
    }

    /** @return the fields of the form with this id, empty when kamiflow has no such form */
    Optional<Map<String, Field>> fields(String formId) {
        return Optional.ofNullable(forms.get(formId));
    }

    private static Map<String, Field> fields(JsonNode form) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (JsonNode component : form.path("components")) {
            if (!component.hasNonNull("key")) {
                continue; // text and layout components take no input
            }
            List<String> options = new ArrayList<>();
            component.path("values").forEach(value -> options.add(value.path("value").asText()));
            JsonNode validate = component.path("validate");
            fields.put(component.get("key").asText(), new Field(component.get("key").asText(),
                    options.isEmpty() ? null : Set.copyOf(options),
                    validate.path("required").asBoolean(false),
                    validate.hasNonNull("maxLength") ? validate.get("maxLength").asInt() : null,
                    "email".equals(validate.path("validationType").asText()),
                    component.path("conditional").hasNonNull("hide")
                            ? ShownWhen.of(component.path("conditional").get("hide").asText(), component.get("key").asText())
                            : null));
        }
        return fields;
    }
}
