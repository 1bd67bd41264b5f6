/**
 * HTTP glue every room uses: RFC 7807 problem+json answers and their exception handler, the OpenAPI document, and
 * {@link io.kamiflow.web.LogSafe} for echoing client text. Depends on no other room.
 */
package io.kamiflow.web;
