/**
 * Small JDBC helpers that work the same on PostgreSQL and H2 ({@code InsertIfAbsent}: insert-or-skip with the
 * generated id). Depends on no other room.
 */
package io.kamiflow.db;
