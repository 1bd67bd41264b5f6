package io.kamiflow.security;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * How the guards in front of Camunda's REST API say no: problem+json before Camunda sees the request, counted per
 * reason as {@code kamiflow_camunda_api_refused_total} (a rise of not_allowed is someone probing, or a Tasklist
 * upgrade that needs a call added to {@link SupportAllowlist}).
 */
@Component
class CamundaApiRefusals {

    enum Reason {
        /** a path spelled so that the container, Jersey and the guards could read it differently */
        AMBIGUOUS_PATH(HttpStatus.BAD_REQUEST),
        /** support called something outside {@link SupportAllowlist} */
        NOT_ALLOWED(HttpStatus.FORBIDDEN),
        /** a form task would end without (or beside) its form */
        OUTSIDE_THE_FORM(HttpStatus.BAD_REQUEST);

        final HttpStatus status;

        Reason(HttpStatus status) {
            this.status = status;
        }
    }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
    private final ObjectMapper json;

    CamundaApiRefusals(MeterRegistry meters, ObjectMapper json) {
        this.json = json;
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("kamiflow.camunda.api.refused").tag("reason", reason.name().toLowerCase())
                    .description("Camunda REST calls refused before the engine saw them").register(meters));
        }
    }

    void refuse(HttpServletResponse response, Reason reason, String detail) throws IOException {
        refuse(response, reason, reason.status, detail);
    }

    void refuse(HttpServletResponse response, Reason reason, HttpStatus status, String detail) throws IOException {
        counters.get(reason).increment();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ProblemDetail.forStatusAndDetail(status, detail));
    }
}
