package io.kamiflow.inventory;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.kamiflow.db.InsertIfAbsent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code key_import} rows: each import's progress, committed with every chunk so that any node answers a
 * progress poll, and then its report. Counts and line numbers only, never a key's value.
 */
@Component
public class KeyImports {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String KEY_IMPORT_COLUMNS = "id, product_id, batch_id, status, total, processed, imported, duplicate_in_batch,"
            + " duplicate_existing, rejected, rejected_lines, source_name, source_charset, started_at,"
            + " updated_at";

    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");

    public enum Status { RUNNING, DONE, FAILED }

    /** An import as stored: how far it got, and its report so far (exact for the chunks committed). */
    public record Progress(String id, String batchId, Status status, int total, int processed,
                           KeyImportService.ImportResult result, String sourceName, String sourceCharset) {
    }

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;

    KeyImports(JdbcClient jdbc, InsertIfAbsent inserts) {
        this.jdbc = jdbc;
        this.inserts = inserts;
    }

    /** A UUID as the back office's script makes them (any version); anything else is no import id. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** @return false when an import with this id exists already (a form sent twice) */
    boolean start(String id, long productId, String batchId, int total, KeyImportService.ImportResult parsed,
                  String sourceName, String sourceCharset) {
        return inserts.insert("""
                INSERT INTO key_import (id, product_id, batch_id, status, total, duplicate_in_batch, rejected, rejected_lines,
                                        source_name, source_charset)
                VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?)""", "id",
                id, productId, batchId, total, parsed.duplicateInBatch(), parsed.rejected(), lines(parsed.rejectedLines()),
                sourceName, sourceCharset) == 1;
    }

    void progress(String id, int processed, int imported, int duplicateExisting) {
        jdbc.sql("""
                UPDATE key_import SET processed = ?, imported = ?, duplicate_existing = ?, updated_at = CURRENT_TIMESTAMP
                WHERE id = ?""").params(processed, imported, duplicateExisting, id).update();
    }

    void finish(String id, Status status) {
        jdbc.sql("UPDATE key_import SET status = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?")
                .params(status.name(), id).update();
    }

    /** The product's import with this id; empty for another product's (or no) import. */
    public Optional<Progress> find(long productId, String id) {
        if (!validId(id)) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT " + KEY_IMPORT_COLUMNS + " FROM key_import WHERE id = ? AND product_id = ?").params(id, productId)
                .query((rs, row) -> new Progress(rs.getString("id"), rs.getString("batch_id"),
                        Status.valueOf(rs.getString("status")), rs.getInt("total"), rs.getInt("processed"),
                        new KeyImportService.ImportResult(rs.getInt("imported"), rs.getInt("duplicate_in_batch"),
                                rs.getInt("duplicate_existing"), rs.getInt("rejected"), parse(rs.getString("rejected_lines"))),
                        rs.getString("source_name"), rs.getString("source_charset")))
                .optional();
    }

    private static String lines(List<Integer> numbers) {
        return String.join(",", numbers.stream().map(String::valueOf).toList());
    }

    private static List<Integer> parse(String lines) {
        return lines == null || lines.isEmpty() ? List.of() : Arrays.stream(lines.split(",")).map(Integer::valueOf).toList();
    }
}
