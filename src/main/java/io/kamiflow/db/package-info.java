/**
 * Small JDBC helpers that work the same on PostgreSQL and H2 ({@code InsertIfAbsent}: insert-or-skip with the
 * generated id; {@code KeyedLocks}: a lock per key, held to the end of the transaction), the named-parameter template
 * that writes each statement's JDBC form once ({@code StableSqlJdbcTemplate}), and the PostgreSQL driver
 * setting that keeps prepared statements working when a newer release adds columns. Depends on no other room.
 */
package io.kamiflow.db;
