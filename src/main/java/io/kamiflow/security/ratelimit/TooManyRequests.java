package io.kamiflow.security.ratelimit;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** The 429 answer of the servlet filters: problem+json, and Retry-After in whole seconds (at least 1). */
public final class TooManyRequests {

    private TooManyRequests() {
    }

    public static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    public static void write(HttpServletResponse response, ObjectMapper json, Duration wait, String detail) throws IOException {
        long seconds = retryAfterSeconds(wait);
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                detail + "; try again in " + seconds + " s"));
    }
}
