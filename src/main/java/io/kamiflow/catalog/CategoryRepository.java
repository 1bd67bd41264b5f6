package io.kamiflow.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import io.kamiflow.db.InsertIfAbsent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class CategoryRepository {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String CATEGORY_COLUMNS = "id, slug, name_en, name_zh, position";

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final CatalogueVersion version;

    CategoryRepository(JdbcClient jdbc, InsertIfAbsent inserts, CatalogueVersion version) {
        this.jdbc = jdbc;
        this.inserts = inserts;
        this.version = version;
    }

    /** Every category in the catalogue's order: position, then slug. */
    public List<Category> findAll() {
        return jdbc.sql("SELECT " + CATEGORY_COLUMNS + " FROM category ORDER BY position, slug").query(CategoryRepository::map).list();
    }

    public Optional<Category> findBySlug(String slug) {
        return jdbc.sql("SELECT " + CATEGORY_COLUMNS + " FROM category WHERE slug = ?").param(slug).query(CategoryRepository::map).optional();
    }

    public Optional<Category> findById(long id) {
        return jdbc.sql("SELECT " + CATEGORY_COLUMNS + " FROM category WHERE id = ?").param(id).query(CategoryRepository::map).optional();
    }

    /** Inserts unless the slug exists; empty when it does. */
    Optional<Category> insert(String slug, String nameEn, String nameZh, int position) {
        version.changed();
        int rows = inserts.insert("INSERT INTO category (slug, name_en, name_zh, position) VALUES (?, ?, ?, ?)", "slug",
                slug, nameEn, nameZh, position);
        return rows == 1 ? findBySlug(slug) : Optional.empty();
    }

    Category update(Category category, String nameEn, String nameZh, int position) {
        version.changed();
        jdbc.sql("UPDATE category SET name_en = ?, name_zh = ?, position = ? WHERE id = ?")
                .params(nameEn, nameZh, position, category.id()).update();
        return findById(category.id()).orElseThrow();
    }

    /** Every category's slug in the catalogue's order, locked (in id order) for a reorder. */
    List<String> lockAllInOrder() {
        jdbc.sql("SELECT id FROM category ORDER BY id FOR UPDATE").query(Long.class).list();
        return jdbc.sql("SELECT slug FROM category ORDER BY position, slug").query(String.class).list();
    }

    /** Stores a category's place; only called with every category locked. */
    void setPosition(String slug, int position) {
        version.changed();
        jdbc.sql("UPDATE category SET position = ? WHERE slug = ?").params(position, slug).update();
    }

    private static Category map(ResultSet rs, int row) throws SQLException {
        return new Category(rs.getLong("id"), rs.getString("slug"), rs.getString("name_en"), rs.getString("name_zh"),
                rs.getInt("position"));
    }
}
