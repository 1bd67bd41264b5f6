package io.kamiflow.notify;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.kamiflow.db.InsertIfAbsent;
import io.kamiflow.inventory.KeyCipher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The owner's notification targets. A webhook's secret is generated here, returned once to be shown once, and kept
 * encrypted with the card keys' cipher (under the target's negated id as associated data, so it never decrypts as a
 * product's key): the page never reads it back.
 */
@Repository
public class NotifyTargets {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String T_NOTIFY_TARGET_COLUMNS = "t.id, t.name, t.kind, t.url, t.product_id, t.events, t.enabled, t.secret_key_id,"
            + " t.secret_ciphertext, t.created_at, t.language";

    public enum Kind { WEBHOOK, TELEGRAM, MAIL, PRODUCT_HOOK }

    /** The languages a Telegram or mail target is written in (the bundles'). */
    public static final List<String> LANGUAGES = List.of("zh-CN", "en");

    /** @param language what Telegram and mail texts are written in: "zh-CN" or "en" */
    public record Target(long id, String name, Kind kind, String url, Long productId, String sku,
                         Set<NotifyEvent> events, boolean enabled, OffsetDateTime createdAt, String language) {
        public boolean receives(NotifyEvent event) {
            return enabled && events.contains(event);
        }

        public java.util.Locale locale() {
            return java.util.Locale.forLanguageTag(language);
        }
    }

    /** A target just created, with its secret in clear for the one page that shows it (null for mail and Telegram). */
    public record Created(Target target, String secret) {
    }

    private static final String SELECT = """
            SELECT %s, p.sku FROM notify_target t LEFT JOIN product p ON p.id = t.product_id""".formatted(T_NOTIFY_TARGET_COLUMNS);

    private final JdbcClient jdbc;
    private final KeyCipher cipher;
    private final InsertIfAbsent inserts;
    private final SecureRandom random = new SecureRandom();

    NotifyTargets(JdbcClient jdbc, KeyCipher cipher, InsertIfAbsent inserts) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.inserts = inserts;
    }

    @Transactional
    public Created create(String name, Kind kind, String url, Long productId, Set<NotifyEvent> events) {
        return create(name, kind, url, productId, events, "en");
    }

    /** @param language one of {@link #LANGUAGES}; anything else is English */
    @Transactional
    public Created create(String name, Kind kind, String url, Long productId, Set<NotifyEvent> events, String language) {
        long id = inserts.insertReturningId("INSERT INTO notify_target (name, kind, url, product_id, events, language) VALUES (?, ?, ?, ?, ?, ?)",
                        "product_id", name, kind.name(), url, productId, join(events), language(language))
                .orElseThrow(() -> new IllegalArgumentException("the product has a hook already"));
        String secret = null;
        if (kind == Kind.WEBHOOK || kind == Kind.PRODUCT_HOOK) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            secret = "whsec_" + HexFormat.of().formatHex(raw);
            jdbc.sql("UPDATE notify_target SET secret_key_id = ?, secret_ciphertext = ? WHERE id = ?")
                    .params(cipher.activeKeyId(), cipher.encrypt(-id, secret), id).update();
        }
        return new Created(get(id).orElseThrow(), secret);
    }

    /** The secret a delivery signs with; never shown. */
    String secretOf(long targetId) {
        return jdbc.sql("SELECT secret_key_id, secret_ciphertext FROM notify_target WHERE id = ?").param(targetId)
                .query((rs, row) -> rs.getBytes("secret_ciphertext") == null ? null
                        : cipher.decrypt(-targetId, rs.getString("secret_key_id"), rs.getBytes("secret_ciphertext")))
                .optional().orElse(null);
    }

    public Optional<Target> get(long id) {
        return jdbc.sql(SELECT + " WHERE t.id = ?").param(id).query(NotifyTargets::map).optional();
    }

    public List<Target> all() {
        return jdbc.sql(SELECT + " ORDER BY t.id").query(NotifyTargets::map).list();
    }

    /** Who hears of a paid order: the switched-on targets of {@link NotifyEvent#ORDER_PAID}, and the product's hooks. */
    record PaidReceivers(List<Target> paid, List<Target> hooks) {
        boolean none() {
            return paid.isEmpty() && hooks.isEmpty();
        }
    }

    /**
     * Both events a paid order raises, in one read of the switched-on targets: every paying callback asks, and most
     * shops have few targets or none. A product's hook hears only of its product's paid orders.
     */
    PaidReceivers receivingPaid(long productId) {
        List<Target> enabled = jdbc.sql(SELECT + " WHERE t.enabled ORDER BY t.id").query(NotifyTargets::map).list();
        return new PaidReceivers(enabled.stream().filter(t -> switchedOnFor(t, NotifyEvent.ORDER_PAID)).toList(),
                enabled.stream().filter(t -> t.productId() != null && t.productId() == productId).toList());
    }

    /** The targets a shop-wide event goes to: the switched-on ones ({@link #receivingPaid} for a paid order). */
    List<Target> receiving(NotifyEvent event) {
        return all().stream().filter(target -> switchedOnFor(target, event)).toList();
    }

    /** Product hooks hear of their product's paid orders only, never of a shop-wide event. */
    private static boolean switchedOnFor(Target target, NotifyEvent event) {
        return target.kind() != Kind.PRODUCT_HOOK && target.receives(event);
    }

    @Transactional
    public boolean update(long id, Set<NotifyEvent> events, boolean enabled) {
        return jdbc.sql("UPDATE notify_target SET events = ?, enabled = ? WHERE id = ?")
                .params(join(events), enabled, id).update() == 1;
    }

    @Transactional
    public boolean update(long id, Set<NotifyEvent> events, boolean enabled, String language) {
        return jdbc.sql("UPDATE notify_target SET events = ?, enabled = ?, language = ? WHERE id = ?")
                .params(join(events), enabled, language(language), id).update() == 1;
    }

    /** Null-safe: an absent form field is no language. */
    public static boolean isLanguage(String given) {
        return given != null && LANGUAGES.contains(given);
    }

    static String language(String given) {
        return isLanguage(given) ? given : "en";
    }

    @Transactional
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM notify_target WHERE id = ?").param(id).update() == 1;
    }

    private static String join(Set<NotifyEvent> events) {
        return events.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static Target map(ResultSet rs, int row) throws SQLException {
        Set<NotifyEvent> events = EnumSet.noneOf(NotifyEvent.class);
        Arrays.stream(rs.getString("events").split(",")).map(NotifyEvent::parse).flatMap(Optional::stream).forEach(events::add);
        long productId = rs.getLong("product_id");
        return new Target(rs.getLong("id"), rs.getString("name"), Kind.valueOf(rs.getString("kind")), rs.getString("url"),
                rs.wasNull() ? null : productId, rs.getString("sku"), events, rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getString("language"));
    }
}
