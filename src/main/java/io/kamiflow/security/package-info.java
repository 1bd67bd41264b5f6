/**
 * Who may do what: admin and engine authentication against Camunda's identity service, the login throttle, the
 * guards in front of Camunda's REST API (support's allowlist and the task forms, matched on the {@code RoutedPath}),
 * the buyer rate limits and forwarded client addresses ({@code ratelimit}), the users and grants set up at start, and
 * the prod guard that refuses dev defaults. Depends only on {@code web}; the domain may use {@code ClientAddress},
 * {@code ExemptAddresses} and {@code RateLimitProperties}, nothing else.
 */
package io.kamiflow.security;
