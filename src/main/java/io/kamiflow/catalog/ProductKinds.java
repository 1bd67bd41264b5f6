package io.kamiflow.catalog;

import java.util.List;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who fulfils a product: kamiflow from its keys (KEYS) or a person (BY_HAND), and what a buyer of a BY_HAND product
 * fills in. Checked when saved (a pattern that does not compile or is too long is refused), written as the product's
 * next version under its row lock, and audited. Orders already placed keep the fields they were placed with.
 */
@Service
public class ProductKinds {

    /** The owner's choice as the API and the back office send it. */
    public record KindChange(String kind, List<InputField> inputFields) {
    }

    private final ProductRepository products;
    private final AuditLog audit;

    ProductKinds(ProductRepository products, AuditLog audit) {
        this.products = products;
        this.audit = audit;
    }

    @Transactional
    public Product change(String sku, KindChange change) {
        Product product = products.lockBySku(sku).orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
        String kind = change.kind() == null ? product.kind() : change.kind();
        if (!Product.KEYS.equals(kind) && !Product.BY_HAND.equals(kind)) {
            throw Problems.badRequest("kind must be KEYS or BY_HAND");
        }
        List<InputField> fields = InputFields.checkDefinitions(change.inputFields());
        if (Product.KEYS.equals(kind) && !fields.isEmpty()) {
            throw Problems.badRequest("inputFields: only a BY_HAND product asks its buyers for fields");
        }
        Product changed = products.setKind(product, kind, fields);
        audit.record("product.kind", sku, kind + ", fields " + fields.stream().map(InputField::key).toList());
        return changed;
    }
}
