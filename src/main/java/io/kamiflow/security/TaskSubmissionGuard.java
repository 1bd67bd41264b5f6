package io.kamiflow.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A task of kamiflow's forms is completed with that form's fields and nothing else. Camunda's REST API
 * (engine REST and the webapps' copy behind Tasklist) would otherwise set any variable a client sends with
 * submit-form, complete or resolve, e.g. another order's payment id. Such a request is answered 400
 * problem+json before the engine sees it, so it changes nothing. Setting task variables any other way needs
 * the UPDATE permission on tasks, which support does not have.
 */
public class TaskSubmissionGuard extends OncePerRequestFilter {

    static final Pattern SUBMISSION = Pattern.compile(
            "^(?:/engine-rest(?:/engine/[^/]+)?|/camunda/api/engine/engine/[^/]+)/task/([^/]+)/(submit-form|complete|resolve)$");
    private static final int MAX_BODY = 64 * 1024;

    private final TaskService tasks;
    private final TaskForms forms;
    private final ObjectMapper json;

    public TaskSubmissionGuard(TaskService tasks, TaskForms forms, ObjectMapper json) {
        this.tasks = tasks;
        this.forms = forms;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !SUBMISSION.matcher(request.getRequestURI().substring(request.getContextPath().length())).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher path = SUBMISSION.matcher(request.getRequestURI().substring(request.getContextPath().length()));
        path.matches();
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            reject(response, HttpStatus.PAYLOAD_TOO_LARGE, "a task submission carries at most " + MAX_BODY + " bytes");
            return;
        }
        Optional<Map<String, TaskForms.Field>> fields = formOf(path.group(1));
        if (fields.isPresent()) {
            List<String> problems = problems(body, fields.get());
            if (!problems.isEmpty()) {
                reject(response, HttpStatus.BAD_REQUEST, "task submission refused: " + String.join("; ", problems));
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

    private List<String> problems(byte[] body, Map<String, TaskForms.Field> fields) {
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
            } else if (!(value.isTextual() || value.isNull() || value.isMissingNode()) || !type.equalsIgnoreCase("String")) {
                problems.add(field.key() + " must be a string");
            } else {
                field.problem(value.isTextual() ? value.asText() : null).ifPresent(problems::add);
            }
        }
        for (TaskForms.Field field : fields.values()) {
            if (field.required() && !variables.has(field.key())) {
                problems.add(field.key() + " is required");
            }
        }
        return problems;
    }

    private void reject(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ProblemDetail.forStatusAndDetail(status, detail));
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
