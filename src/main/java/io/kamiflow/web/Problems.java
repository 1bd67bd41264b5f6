package io.kamiflow.web;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** RFC 7807 answers with a human-readable detail; Spring MVC renders them as application/problem+json. */
public final class Problems {

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatus status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }

    public static ErrorResponseException badRequest(String detail) {
        return of(HttpStatus.BAD_REQUEST, detail);
    }

    public static ErrorResponseException notFound(String detail) {
        return of(HttpStatus.NOT_FOUND, detail);
    }

    public static ErrorResponseException conflict(String detail) {
        return of(HttpStatus.CONFLICT, detail);
    }

    /** 429 with Retry-After in whole seconds (at least 1), as the contract promises for every limit. */
    public static ErrorResponseException tooManyRequests(String detail, Duration retryAfter) {
        return withRetryAfter(of(HttpStatus.TOO_MANY_REQUESTS, detail), retryAfter);
    }

    /** 503 with Retry-After: the shop cannot take this request now, the client may come back then. */
    public static ErrorResponseException serviceUnavailable(String detail, Duration retryAfter) {
        return withRetryAfter(of(HttpStatus.SERVICE_UNAVAILABLE, detail), retryAfter);
    }

    private static ErrorResponseException withRetryAfter(ErrorResponseException problem, Duration retryAfter) {
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        return problem;
    }
}
