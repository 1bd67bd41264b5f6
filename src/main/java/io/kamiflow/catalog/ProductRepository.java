package io.kamiflow.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kamiflow.db.InsertIfAbsent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ProductRepository {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String P_PRODUCT_COLUMNS = "p.id, p.sku, p.name, p.price_minor, p.currency, p.low_stock_threshold, p.low_stock_alerted,"
            + " p.active, p.created_at, p.version, p.name_zh, p.description_en, p.description_zh,"
            + " p.usage_notes_en, p.usage_notes_zh, p.min_quantity, p.max_quantity, p.category_id,"
            + " p.list_price_minor, p.stock_display, p.kind, p.input_fields, p.position";

    /** A product with its category's slug (a subquery, not a join, so that FOR UPDATE locks the product alone). */
    private static final String SHOP_ORDER = "position, name, sku";
    private static final String SELECT =
            "SELECT " + P_PRODUCT_COLUMNS + ", (SELECT c.slug FROM category c WHERE c.id = p.category_id) AS category_slug FROM product p";

    /**
     * The product with its tiers in its currency, by quantity, in ONE statement (checkout and the quote: the tiers
     * came with a second query before): a LEFT JOIN, one row per tier, or one row with no tier.
     */
    private static final String SELECT_WITH_TIERS = "SELECT " + P_PRODUCT_COLUMNS
            + ", (SELECT c.slug FROM category c WHERE c.id = p.category_id) AS category_slug, " + PriceTiers.JOINED_COLUMNS
            + " FROM product p " + PriceTiers.JOIN_CURRENT + " WHERE p.sku = ? ORDER BY " + PriceTiers.JOINED_ORDER;

    /** A product and the tiers that apply to it now ({@link PriceTiers#of}), read together. */
    public record WithTiers(Product product, List<PriceTiers.Tier> tiers) {
    }

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final CatalogueVersion version;

    ProductRepository(JdbcClient jdbc, InsertIfAbsent inserts, CatalogueVersion version) {
        this.jdbc = jdbc;
        this.inserts = inserts;
        this.version = version;
    }

    public Optional<Product> findBySku(String sku) {
        return jdbc.sql(SELECT + " WHERE sku = ?").param(sku).query(ProductRepository::map).optional();
    }

    /** {@link #findBySkuWithTiers} of a visible product only: what a buyer may order. */
    public Optional<WithTiers> findActiveBySkuWithTiers(String sku) {
        return findBySkuWithTiers(sku).filter(offer -> offer.product().active());
    }

    /** {@link #findBySku} and {@link PriceTiers#of} of it in one statement: the same snapshot, never a cached copy. */
    public Optional<WithTiers> findBySkuWithTiers(String sku) {
        return jdbc.sql(SELECT_WITH_TIERS).param(sku).query(rs -> {
            Product product = null;
            List<PriceTiers.Tier> tiers = new ArrayList<>();
            while (rs.next()) {
                if (product == null) {
                    product = map(rs, 0);
                }
                PriceTiers.Tier tier = PriceTiers.joined(rs);
                if (tier != null) {
                    tiers.add(tier);
                }
            }
            return product == null ? Optional.<WithTiers>empty() : Optional.of(new WithTiers(product, List.copyOf(tiers)));
        });
    }

    public Product getById(long id) {
        return jdbc.sql(SELECT + " WHERE id = ?").param(id).query(ProductRepository::map).single();
    }

    /** The shop's visible products in the owner's order (position, then name and sku). */
    public List<Product> findActive() {
        return jdbc.sql(SELECT + " WHERE active ORDER BY " + SHOP_ORDER).query(ProductRepository::map).list();
    }

    /** Every product, hidden ones too, in the shop's order: the back office's list, where the owner reorders them. */
    public List<Product> findAllInShopOrder() {
        return jdbc.sql(SELECT + " ORDER BY " + SHOP_ORDER).query(ProductRepository::map).list();
    }

    /** Every product's sku in the shop's order, locked (in id order, as every multi-row lock here) for a reorder. */
    List<String> lockAllInShopOrder() {
        jdbc.sql("SELECT id FROM product ORDER BY id FOR UPDATE").query(Long.class).list();
        return jdbc.sql("SELECT sku FROM product ORDER BY " + SHOP_ORDER).query(String.class).list();
    }

    /** Stores a product's place in the shop's order; only called with every product locked. */
    void setPosition(String sku, int position) {
        version.changed();
        jdbc.sql("UPDATE product SET position = ? WHERE sku = ?").params(position, sku).update();
    }

    /** Every product, hidden ones too, for the admin. */
    public List<Product> findAll() {
        return jdbc.sql(SELECT + " ORDER BY sku").query(ProductRepository::map).list();
    }

    /** The product locked to the end of the caller's transaction: changes of one product take turns. */
    Optional<Product> lockBySku(String sku) {
        return jdbc.sql(SELECT + " WHERE sku = ? FOR UPDATE").param(sku).query(ProductRepository::map).optional();
    }

    /** A change stored beside the product's row (its wholesale tiers) makes the next version all the same. */
    void bumpVersion(long productId) {
        version.changed();
        jdbc.sql("UPDATE product SET version = version + 1 WHERE id = ?").param(productId).update();
    }

    /** Stores the admin's fields as the next version. */
    Product update(Product product, ProductChanges.Edit edit) {
        version.changed();
        jdbc.sql("""
                UPDATE product SET name = ?, price_minor = ?, currency = ?, low_stock_threshold = ?, active = ?,
                                   name_zh = ?, description_en = ?, description_zh = ?, usage_notes_en = ?,
                                   usage_notes_zh = ?, min_quantity = ?, max_quantity = ?, category_id = ?,
                                   list_price_minor = ?, stock_display = ?, version = version + 1
                WHERE id = ?""").params(edit.name(), edit.price().minor(), edit.price().currency(),
                        edit.lowStockThreshold(), edit.active(), edit.nameZh(), edit.descriptionEn(), edit.descriptionZh(),
                        edit.usageNotesEn(), edit.usageNotesZh(), edit.minQuantity(), edit.maxQuantity(),
                        edit.categoryId(), edit.listPrice() == null ? null : edit.listPrice().minor(),
                        edit.stockDisplay().name(), product.id())
                .update();
        return getById(product.id());
    }

    /** Who fulfils the product and what its buyers fill in, as the next version. */
    Product setKind(Product product, String kind, java.util.List<InputField> inputFields) {
        version.changed();
        jdbc.sql("UPDATE product SET kind = ?, input_fields = ?, version = version + 1 WHERE id = ?")
                .params(kind, InputFields.toJson(inputFields), product.id()).update();
        return getById(product.id());
    }

    /** Inserts unless the sku exists; empty when it does. */
    public Optional<Product> insert(String sku, String name, Money price, int lowStockThreshold) {
        version.changed();
        int rows = inserts.insert("""
                INSERT INTO product (sku, name, price_minor, currency, low_stock_threshold)
                VALUES (?, ?, ?, ?, ?)""", "sku", sku, name, price.minor(), price.currency(), lowStockThreshold);
        return rows == 1 ? findBySku(sku) : Optional.empty();
    }

    /** The optional fields of a product just inserted (no new version: it is part of its creation). */
    void setDetails(long id, String nameZh, String descriptionEn, String descriptionZh, String usageNotesEn,
                    String usageNotesZh, int minQuantity, int maxQuantity, Long categoryId) {
        version.changed();
        jdbc.sql("""
                UPDATE product SET name_zh = ?, description_en = ?, description_zh = ?, usage_notes_en = ?, usage_notes_zh = ?,
                                   min_quantity = ?, max_quantity = ?, category_id = ?
                WHERE id = ?""").params(nameZh, descriptionEn, descriptionZh, usageNotesEn, usageNotesZh, minQuantity,
                        maxQuantity, categoryId, id).update();
    }

    /** The active products whose English or Chinese name contains {@code text}, ignoring case; % and _ match themselves. */
    public List<Product> searchActive(String text) {
        String pattern = "%" + text.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        return jdbc.sql(SELECT + " WHERE active AND (LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(name_zh) LIKE ? ESCAPE '\\')"
                + " ORDER BY " + SHOP_ORDER).params(pattern, pattern).query(ProductRepository::map).list();
    }

    /** The list price and the stock display of a product just inserted. */
    void setShopLook(long id, Money listPrice, StockDisplay stockDisplay) {
        version.changed();
        jdbc.sql("UPDATE product SET list_price_minor = ?, stock_display = ? WHERE id = ?")
                .params(listPrice == null ? null : listPrice.minor(), stockDisplay.name(), id).update();
    }

    private static Money listPrice(ResultSet rs) throws SQLException {
        long minor = rs.getLong("list_price_minor");
        return rs.wasNull() ? null : new Money(minor, rs.getString("currency"));
    }

    private static Product map(ResultSet rs, int row) throws SQLException {
        return new Product(rs.getLong("id"), rs.getString("sku"), rs.getString("name"),
                new Money(rs.getLong("price_minor"), rs.getString("currency")),
                rs.getInt("low_stock_threshold"), rs.getBoolean("active"), rs.getLong("version"),
                rs.getString("name_zh"), rs.getString("description_en"), rs.getString("description_zh"),
                rs.getString("usage_notes_en"), rs.getString("usage_notes_zh"), rs.getInt("min_quantity"),
                rs.getInt("max_quantity"), rs.getObject("category_id", Long.class), rs.getString("category_slug"),
                listPrice(rs), StockDisplay.valueOf(rs.getString("stock_display")),
                rs.getString("kind"), InputFields.fromJson(rs.getString("input_fields")));
    }
}
