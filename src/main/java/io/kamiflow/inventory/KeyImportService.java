package io.kamiflow.inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.kamiflow.catalog.Product;
import io.kamiflow.ops.AuditLog;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Imports merchant-supplied keys (one per line) and generates new ones. */
@Service
public class KeyImportService {

    public static final int MAX_KEY_LENGTH = 512;

    /** How many rejected lines an import names by number; the count beyond that is still exact. */
    public static final int MAX_REJECTED_LINES_LISTED = 100;

    /**
     * @param rejectedLines the 1-based numbers of the first {@value #MAX_REJECTED_LINES_LISTED} rejected lines (too
     *                      long, or holding control characters), so the merchant can fix the file; never a key's value
     */
    public record ImportResult(int imported, int duplicateInBatch, int duplicateExisting, int rejected,
                               List<Integer> rejectedLines) {
    }

    private final KeyStore store;
    private final KeyFingerprinter fingerprinter;
    private final KeyGenerator generator;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;

    KeyImportService(KeyStore store, KeyFingerprinter fingerprinter, KeyGenerator generator,
                     ApplicationEventPublisher events, AuditLog audit) {
        this.store = store;
        this.fingerprinter = fingerprinter;
        this.generator = generator;
        this.events = events;
        this.audit = audit;
    }

    @Transactional
    public ImportResult importKeys(Product product, String body) {
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
            String fingerprint = fingerprinter.fingerprint(value);
            if (!seen.add(fingerprint)) {
                duplicateInBatch++;
                continue;
            }
            fresh.add(new KeyStore.NewKey(value, fingerprint));
        }
        int imported = store.insert(product.id(), fresh);
        ImportResult result = new ImportResult(imported, duplicateInBatch, fresh.size() - imported, rejected,
                List.copyOf(rejectedLines));
        audit.record("keys.import", product.sku(), result.toString());
        publish(product, imported);
        return result;
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
