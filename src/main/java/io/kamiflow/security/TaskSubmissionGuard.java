package io.kamiflow.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.web.LogSafe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.form.CamundaFormRef;
import org.camunda.bpm.engine.task.Task;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A task of kamiflow's forms is completed with that form's fields and nothing else. Camunda's REST API
 * (engine REST and the webapps' copy behind Tasklist) would otherwise set any variable a client sends with
 * submit-form, complete or resolve, e.g. another order's payment id; such a request is answered 400
 * problem+json before the engine sees it, so it changes nothing. A BPMN error or escalation would end the task
 * without its form (and, with no boundary event to catch it, the order's process): refused with 403, whoever asks.
 * A field the form hides in the task's situation (its conditional hide, see {@link TaskForms.ShownWhen}) is not offered,
 * so a value for it is refused too: a decision that cannot succeed never reaches the process.
 * Matched on the {@link RoutedPath}, so an encoded letter in the task id or a trailing slash is the same submission.
 * Setting task variables any other way needs the UPDATE permission on tasks, which support does not have.
 */
class TaskSubmissionGuard extends OncePerRequestFilter {

    private static final int MAX_BODY = 64 * 1024;
    private static final Set<String> WITHOUT_THE_FORM = Set.of("bpmnError", "bpmnEscalation");

    private final Pattern submission;
    private final TaskService tasks;
    private final TaskForms forms;
    private final ObjectMapper json;
    private final CamundaApiRefusals refusals;

    /** @param webapp the webapps' application path, e.g. {@code /camunda} */
    TaskSubmissionGuard(String webapp, TaskService tasks, TaskForms forms, ObjectMapper json, CamundaApiRefusals refusals) {
        this.submission = Pattern.compile("(?:/engine-rest(?:/engine/[^/]+)?|" + Pattern.quote(webapp)
                + "/api/engine/engine/[^/]+)/task/([^/]+)/(submit-form|complete|resolve|bpmnError|bpmnEscalation)");
        this.tasks = tasks;
        this.forms = forms;
        this.json = json;
        this.refusals = refusals;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> routed = RoutedPath.of(request);
        if (routed.isEmpty()) { // CamundaPathSpelling, in front, refuses these already
            refusals.refuse(response, CamundaApiRefusals.Reason.AMBIGUOUS_PATH, "the path is spelled ambiguously");
            return;
        }
        Matcher path = submission.matcher(routed.get());
        if (!path.matches()) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Map<String, TaskForms.Field>> fields = formOf(path.group(1));
        if (fields.isPresent() && WITHOUT_THE_FORM.contains(path.group(2))) {
            refusals.refuse(response, CamundaApiRefusals.Reason.OUTSIDE_THE_FORM, HttpStatus.FORBIDDEN, "a task of a kamiflow "
                    + "form ends through its form (submit-form), never with " + path.group(2));
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            refusals.refuse(response, CamundaApiRefusals.Reason.OUTSIDE_THE_FORM, HttpStatus.PAYLOAD_TOO_LARGE,
                    "a task submission carries at most " + MAX_BODY + " bytes");
            return;
        }
        if (fields.isPresent()) {
            List<String> problems = problems(body, fields.get(), situation(path.group(1), fields.get()));
            if (!problems.isEmpty()) {
                refusals.refuse(response, CamundaApiRefusals.Reason.OUTSIDE_THE_FORM,
                        "task submission refused: " + String.join("; ", problems));
                return;
            }
        }
        chain.doFilter(new CachedBody(request, body), response);
    }

    private Optional<Map<String, TaskForms.Field>> formOf(String taskId) {
        Task task = tasks.createTaskQuery().taskId(taskId).initializeFormKeys().singleResult();
        CamundaFormRef ref = task == null ? null : task.getCamundaFormRef();
        return ref == null ? Optional.empty() : forms.fields(ref.getKey());
    }

    /** The task's variables that decide which of its form's fields are offered (none for a form without conditions). */
    private Map<String, Object> situation(String taskId, Map<String, TaskForms.Field> fields) {
        Set<String> names = new HashSet<>();
        fields.values().stream().filter(field -> field.shownWhen() != null).forEach(field -> names.add(field.shownWhen().variable()));
        return names.isEmpty() ? Map.of() : tasks.getVariables(taskId, names);
    }

    private List<String> problems(byte[] body, Map<String, TaskForms.Field> fields, Map<String, Object> situation) {
        List<String> problems = new ArrayList<>();
        JsonNode variables;
        try {
            variables = body.length == 0 ? json.createObjectNode() : json.readTree(body).path("variables");
        } catch (IOException e) {
            return List.of("the body is not valid JSON");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            TaskForms.Field field = fields.get(variable.getKey());
            JsonNode value = variable.getValue().path("value");
            String type = variable.getValue().path("type").asText("String");
            if (field == null) {
                problems.add("'" + LogSafe.of(variable.getKey()) + "' is not a field of this task's form (allowed: "
                        + fields.keySet() + ")");
            } else if (!field.shown(situation)) {
                // the form hides it in this task's situation: a decision that cannot succeed here
                problems.add(field.key() + " is not offered in this task's situation");
            } else if (!(value.isTextual() || value.isNull() || value.isMissingNode()) || !type.equalsIgnoreCase("String")) {
                problems.add(field.key() + " must be a string");
            } else {
                field.problem(value.isTextual() ? value.asText() : null).ifPresent(problems::add);
            }
        }
        for (TaskForms.Field field : fields.values()) {
            if (field.required() && field.shown(situation) && !variables.has(field.key())) {
                problems.add(field.key() + " is required");
            }
        }
        return problems;
    }

    /** The request again, with the body this filter already read. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
