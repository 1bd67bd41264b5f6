package io.kamiflow.security.ratelimit;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The client's address as Spring Boot's forwarded-header support (Tomcat's RemoteIpValve) yields it:
 * X-Forwarded-For counts only from internal proxies. Cut to the width of the columns that keep it, since a
 * trusted proxy forwards whatever text it was sent.
 */
public final class ClientAddress {

    public static final int MAX_LENGTH = 64;

    private ClientAddress() {
    }

    public static String of(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        return address.length() > MAX_LENGTH ? address.substring(0, MAX_LENGTH) : address;
    }
}
