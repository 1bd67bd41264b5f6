package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * An admin's change of a product. The row is locked while the version is compared and the change written, so of two
 * admins who read the same version one wins and the other hears 412, never a silent overwrite. Orders are untouched:
 * each holds its own amount and currency from checkout.
 */
@Service
class ProductChanges {

    /** What the admin may change; the sku names the product and stays. */
    record Edit(String name, Money price, int lowStockThreshold, boolean active) {
    }

    private final ProductRepository products;
    private final AuditLog audit;

    ProductChanges(ProductRepository products, AuditLog audit) {
        this.products = products;
        this.audit = audit;
    }

    /** @return the product as stored now; unchanged (same version, no audit row) when the edit changes nothing */
    @Transactional
    Product change(String sku, IfMatch ifMatch, Edit edit) {
        Product product = products.lockBySku(sku)
                .orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
        if (!ifMatch.matches(product.version())) {
            throw changedSince(product);
        }
        String changes = differences(product, edit);
        if (changes.isEmpty()) {
            return product;
        }
        Product changed = products.update(product, edit.name(), edit.price(), edit.lowStockThreshold(), edit.active());
        audit.record("product.update", sku, changes);
        return changed;
    }

    private static ErrorResponseException changedSince(Product product) {
        String etag = IfMatch.etag(product.version());
        ErrorResponseException problem = Problems.of(HttpStatus.PRECONDITION_FAILED, "product '" + product.sku()
                + "' changed since you read it: it is at version " + product.version() + " now (ETag " + etag
                + "); GET it again and reapply your change");
        problem.getHeaders().set(HttpHeaders.ETAG, etag);
        return problem;
    }

    /** "field old -> new" for each changed field, for the audit row. */
    private static String differences(Product before, Edit after) {
        List<String> changes = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            changes.add("name '" + before.name() + "' -> '" + after.name() + "'");
        }
        if (!before.price().equals(after.price())) {
            changes.add("price " + shown(before.price()) + " -> " + shown(after.price()));
        }
        if (before.lowStockThreshold() != after.lowStockThreshold()) {
            changes.add("lowStockThreshold " + before.lowStockThreshold() + " -> " + after.lowStockThreshold());
        }
        if (before.active() != after.active()) {
            changes.add("active " + before.active() + " -> " + after.active());
        }
        return String.join("; ", changes);
    }

    private static String shown(Money money) {
        return money.amount() + " " + money.currency();
    }
}
