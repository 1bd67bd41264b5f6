package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The owner's order of the catalogue: a product or a category moves one place up or down. The whole list is locked
 * while it is renumbered (10, 20, 30...) with the two swapped, so two owners moving at once take turns and never
 * leave two entries on one position; positions set by the admin API (categories) are respected as the start.
 */
@Service
public class CatalogueOrder {

    /** Where an entry moves: towards the start of the catalogue or its end. */
    public enum Direction { UP, DOWN }

    private static final int STEP = 10;

    private final ProductRepository products;
    private final CategoryRepository categories;
    private final AuditLog audit;

    CatalogueOrder(ProductRepository products, CategoryRepository categories, AuditLog audit) {
        this.products = products;
        this.categories = categories;
        this.audit = audit;
    }

    /** @return false when the product is already first (up) or last (down); @throws 404 problem for an unknown sku */
    @Transactional
    public boolean moveProduct(String sku, Direction direction) {
        List<String> order = products.lockAllInShopOrder();
        boolean moved = move(order, sku, direction, "product", products::setPosition);
        if (moved) {
            audit.record("product.move", sku, direction.name().toLowerCase() + " to place " + (order.indexOf(sku) + 1));
        }
        return moved;
    }

    /** @return false when the category is already first (up) or last (down); @throws 404 problem for an unknown slug */
    @Transactional
    public boolean moveCategory(String slug, Direction direction) {
        List<String> order = categories.lockAllInOrder();
        boolean moved = move(order, slug, direction, "category", categories::setPosition);
        if (moved) {
            audit.record("category.move", slug, direction.name().toLowerCase() + " to place " + (order.indexOf(slug) + 1));
        }
        return moved;
    }

    /** Swaps the entry with its neighbour in {@code order} (changed in place) and stores every position that moved. */
    private static boolean move(List<String> order, String name, Direction direction, String kind,
                                BiConsumer<String, Integer> store) {
        int at = order.indexOf(name);
        if (at < 0) {
            throw Problems.notFound("no " + kind + " '" + name + "'");
        }
        int to = direction == Direction.UP ? at - 1 : at + 1;
        if (to < 0 || to >= order.size()) {
            return false;
        }
        List<String> before = new ArrayList<>(order);
        order.set(at, order.get(to));
        order.set(to, name);
        for (int i = 0; i < order.size(); i++) {
            // every position is rewritten when the old ones were not already this sequence (e.g. all 0)
            store.accept(order.get(i), (i + 1) * STEP);
        }
        return !before.equals(order);
    }
}
