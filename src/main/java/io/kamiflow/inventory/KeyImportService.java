package io.kamiflow.inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.kamiflow.catalog.Product;
import io.kamiflow.ops.AuditLog;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports merchant-supplied keys (one per line) and generates new ones. An import is one batch written in chunks of
 * {@value #CHUNK} keys, each committed on its own with the import's progress ({@link KeyImports}), so a file of
 * 100,000 keys holds no lock for its whole length and any node can report how far it got. A failure mid-file keeps
 * the chunks already committed (the import is marked FAILED with exact counts so far); uploading the same file again
 * imports only the rest, the others being reported as already in stock, never stored twice. The audit entry and the
 * one {@link StockAdded} event per import come in a last short transaction, also after a failure for what was added.
 */
@Service
public class KeyImportService {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KeyImportService.class);

    public static final int MAX_KEY_LENGTH = 512;

    /** How many rejected lines an import names by number; the count beyond that is still exact. */
    public static final int MAX_REJECTED_LINES_LISTED = 100;

    /** Keys per committed chunk: large enough that statements are few, small enough that progress moves. */
    public static final int CHUNK = 5_000;

    /**
     * @param rejectedLines the 1-based numbers of the first {@value #MAX_REJECTED_LINES_LISTED} rejected lines (too
     *                      long, or holding control characters), so the merchant can fix the file; never a key's value
     */
    public record ImportResult(int imported, int duplicateInBatch, int duplicateExisting, int rejected,
                               List<Integer> rejectedLines) {
    }

    /**
     * Where the keys came from, for the report: the import's id (chosen by the back office's script so it can poll;
     * null for a new one), and a file's name and encoding (null for pasted text or the API).
     */
    public record Source(String importId, String fileName, String charset) {
        public static final Source API = new Source(null, null, null);
    }

    /** An import id already used (the same form sent twice): nothing was imported again. */
    public static class ImportIdTaken extends RuntimeException {
        public ImportIdTaken() {
            super("this import id is taken", null, false, false);
        }
    }

    private record Parsed(List<KeyStore.NewKey> keys, int duplicateInBatch, int rejected, List<Integer> rejectedLines) {
    }

    private final KeyStore store;
    private final KeyFingerprinter fingerprinter;
    private final KeyGenerator generator;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final KeyImports imports;
    private final TransactionTemplate transaction;

    KeyImportService(KeyStore store, KeyFingerprinter fingerprinter, KeyGenerator generator,
                     ApplicationEventPublisher events, AuditLog audit, KeyImports imports,
                     PlatformTransactionManager transactions) {
        this.store = store;
        this.fingerprinter = fingerprinter;
        this.generator = generator;
        this.events = events;
        this.audit = audit;
        this.imports = imports;
        this.transaction = new TransactionTemplate(transactions);
    }

    public ImportResult importKeys(Product product, String body) {
        return importKeys(product, body, Source.API).result();
    }

    /** @throws ImportIdTaken when {@code source.importId()} names an import made before */
    public KeyImports.Progress importKeys(Product product, String body, Source source) {
        String id = source.importId() == null ? UUID.randomUUID().toString() : source.importId();
        String batchId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        Parsed parsed = parse(body);
        long parsedAt = System.nanoTime();
        List<KeyStore.NewKey> keys = parsed.keys();
        ImportResult counted = new ImportResult(0, parsed.duplicateInBatch(), 0, parsed.rejected(), parsed.rejectedLines());
        if (!Boolean.TRUE.equals(transaction.execute(status -> imports.start(id, product.id(), batchId, keys.size(),
                counted, source.fileName(), source.charset())))) {
            throw new ImportIdTaken();
        }
        int imported = 0;
        int processed = 0;
        try {
            for (int from = 0; from < keys.size(); from += CHUNK) {
                List<KeyStore.NewKey> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
                int done = from + chunk.size();
                int before = imported;
                int inserted = transaction.execute(status -> {
                    int added = store.insert(product.id(), batchId, chunk);
                    imports.progress(id, done, before + added, done - before - added);
                    return added;
                });
                imported += inserted;
                processed = done;
            }
        } catch (RuntimeException failure) {
            finish(product, id, KeyImports.Status.FAILED, result(counted, imported, processed));
            throw failure;
        }
        finish(product, id, KeyImports.Status.DONE, result(counted, imported, processed));
        log.info("key import {} for {}: {} keys checked in {} ms, {} written in {} chunks in {} ms", id, product.sku(),
                keys.size(), (parsedAt - started) / 1_000_000, imported, (keys.size() + CHUNK - 1) / CHUNK,
                (System.nanoTime() - parsedAt) / 1_000_000);
        return imports.find(product.id(), id).orElseThrow();
    }

    private static ImportResult result(ImportResult counted, int imported, int processed) {
        return new ImportResult(imported, counted.duplicateInBatch(), processed - imported, counted.rejected(),
                counted.rejectedLines());
    }

    private void finish(Product product, String id, KeyImports.Status status, ImportResult result) {
        transaction.executeWithoutResult(tx -> {
            imports.finish(id, status);
            audit.record(status == KeyImports.Status.DONE ? "keys.import" : "keys.import.failed", product.sku(),
                    result.toString());
            publish(product, result.imported());
        });
    }

    /** Lines to keys: blank lines skipped, bad ones counted by number, repeats within the text counted once. */
    private Parsed parse(String body) {
        UnaryOperator<String> fingerprint = fingerprinter.bulk();
        Set<String> seen = new HashSet<>();
        List<KeyStore.NewKey> fresh = new ArrayList<>();
        int duplicateInBatch = 0;
        int rejected = 0;
        List<Integer> rejectedLines = new ArrayList<>();
        int number = 0;
        for (String line : body.split("\\R", -1)) {
            number++;
            String value = KeyFingerprinter.normalize(line);
            if (value.isEmpty()) {
                continue;
            }
            if (value.length() > MAX_KEY_LENGTH || value.codePoints().anyMatch(Character::isISOControl)) {
                rejected++;
                if (rejectedLines.size() < MAX_REJECTED_LINES_LISTED) {
                    rejectedLines.add(number);
                }
                continue;
            }
            String print = fingerprint.apply(value);
            if (!seen.add(print)) {
                duplicateInBatch++;
                continue;
            }
            fresh.add(new KeyStore.NewKey(value, print));
        }
        return new Parsed(fresh, duplicateInBatch, rejected, List.copyOf(rejectedLines));
    }

    @Transactional
    public int generate(Product product, int count, String prefix) {
        List<KeyStore.NewKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String value = generator.next(prefix);
            keys.add(new KeyStore.NewKey(value, fingerprinter.fingerprint(value)));
        }
        int generated = store.insert(product.id(), keys);
        audit.record("keys.generate", product.sku(), "generated " + generated);
        publish(product, generated);
        return generated;
    }

    private void publish(Product product, int added) {
        if (added > 0) {
            events.publishEvent(new StockAdded(product.id(), product.sku(), added));
        }
    }
}
