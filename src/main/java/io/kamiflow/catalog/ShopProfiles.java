package io.kamiflow.catalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.kamiflow.ops.AuditLog;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The shop's profile (one row of shop_profile), read on every storefront page and so cached per node: a copy lives
 * for a short TTL (kamiflow.storefront.shop-profile-ttl, 5 s by default), so another node shows an owner's change
 * within that time, and the node that saved it drops its copy once the change commits, so the owner sees it at once.
 * A change compares the version (If-Match / the form's hidden field) under the row's lock and is audited.
 */
@Service
public class ShopProfiles {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String SHOP_PROFILE_COLUMNS = "id, name_en, name_zh, announcement_en, announcement_zh, announcement_on, version, updated_at";

    public static final int MAX_NAME = 100;
    public static final int MAX_ANNOUNCEMENT = 2000;

    /** Every field, replacing what is stored: an absent or blank text means none. */
    public record ShopEdit(@Size(max = MAX_NAME) String nameEn, @Size(max = MAX_NAME) String nameZh,
                           @Size(max = MAX_ANNOUNCEMENT) String announcementEn,
                           @Size(max = MAX_ANNOUNCEMENT) String announcementZh,
                           @NotNull Boolean announcementOn) {
    }

    /** The profile changed since it was read (412); {@code current} is how it is stored now. */
    public static final class ChangedSince extends org.springframework.web.ErrorResponseException {
        private final transient ShopProfile current;

        ChangedSince(ShopProfile current) {
            super(org.springframework.http.HttpStatus.PRECONDITION_FAILED, org.springframework.http.ProblemDetail
                    .forStatusAndDetail(org.springframework.http.HttpStatus.PRECONDITION_FAILED,
                            "the shop's settings changed since you read them: they are at version " + current.version()
                                    + " now (ETag " + IfMatch.etag(current.version()) + "); GET them again and reapply your change"),
                    null);
            getHeaders().set(org.springframework.http.HttpHeaders.ETAG, IfMatch.etag(current.version()));
            this.current = current;
        }

        public ShopProfile current() {
            return current;
        }
    }

    private record Cached(ShopProfile profile, Instant loadedAt) {
    }

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Duration ttl;
    private final Clock clock = Clock.systemUTC();
    private volatile Cached cached;

    ShopProfiles(JdbcClient jdbc, AuditLog audit,
                 @Value("${kamiflow.storefront.shop-profile-ttl:5s}") Duration ttl) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.ttl = ttl;
    }

    /** The profile as a buyer's page shows it: at most the TTL old. */
    public ShopProfile current() {
        Cached copy = cached;
        Instant now = clock.instant();
        if (copy == null || copy.loadedAt().plus(ttl).isBefore(now)) {
            copy = new Cached(read(false), now);
            cached = copy;
        }
        return copy.profile();
    }

    /** The profile as stored now, for the owner who is about to change it. */
    public ShopProfile stored() {
        return read(false);
    }

    /** The back office's change: the form carries the version it was rendered with. @throws ChangedSince if stale */
    @Transactional
    public ShopProfile change(long version, ShopEdit edit) {
        return change(new IfMatch(false, List.of(Long.toString(version))), edit);
    }

    /**
     * @return the profile as stored now; unchanged (same version, no audit row) when the edit changes nothing
     * @throws ProductChanges.InvalidField for an announcement switched on without a text
     */
    @Transactional
    ShopProfile change(IfMatch ifMatch, ShopEdit edit) {
        ShopProfile before = read(true);
        if (!ifMatch.matches(before.version())) {
            throw new ChangedSince(before);
        }
        ShopProfile after = new ShopProfile(ProductChanges.text(edit.nameEn(), null, true),
                ProductChanges.text(edit.nameZh(), null, true), ProductChanges.text(edit.announcementEn(), null, false),
                ProductChanges.text(edit.announcementZh(), null, false), edit.announcementOn(), before.version(), null);
        if (after.announcementOn() && after.announcementEn() == null && after.announcementZh() == null) {
            throw new ProductChanges.InvalidField("announcementOn", "announcement.empty",
                    "announcementOn needs an announcement in English or Chinese (announcementEn, announcementZh)");
        }
        String changes = differences(before, after);
        if (changes.isEmpty()) {
            return before;
        }
        jdbc.sql("""
                UPDATE shop_profile SET name_en = ?, name_zh = ?, announcement_en = ?, announcement_zh = ?,
                                        announcement_on = ?, version = version + 1, updated_at = CURRENT_TIMESTAMP
                WHERE id = 1""").params(after.nameEn(), after.nameZh(), after.announcementEn(), after.announcementZh(),
                after.announcementOn()).update();
        audit.record("shop.update", "shop", changes);
        dropCopyAfterCommit();
        return read(false);
    }

    private void dropCopyAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    cached = null;
                }
            });
        } else {
            cached = null;
        }
    }

    private ShopProfile read(boolean lock) {
        return jdbc.sql("SELECT " + SHOP_PROFILE_COLUMNS + " FROM shop_profile WHERE id = 1" + (lock ? " FOR UPDATE" : ""))
                .query((rs, row) -> new ShopProfile(rs.getString("name_en"), rs.getString("name_zh"),
                        rs.getString("announcement_en"), rs.getString("announcement_zh"),
                        rs.getBoolean("announcement_on"), rs.getLong("version"),
                        rs.getObject("updated_at", OffsetDateTime.class)))
                .optional().orElseGet(() -> new ShopProfile(null, null, null, null, false, 0, null));
    }

    /** "field old -> new" for the audit row; announcements by length, as product descriptions. */
    private static String differences(ShopProfile before, ShopProfile after) {
        List<String> changes = new ArrayList<>();
        if (!Objects.equals(before.nameEn(), after.nameEn())) {
            changes.add("nameEn " + quoted(before.nameEn()) + " -> " + quoted(after.nameEn()));
        }
        if (!Objects.equals(before.nameZh(), after.nameZh())) {
            changes.add("nameZh " + quoted(before.nameZh()) + " -> " + quoted(after.nameZh()));
        }
        ProductChanges.longText(changes, "announcementEn", before.announcementEn(), after.announcementEn());
        ProductChanges.longText(changes, "announcementZh", before.announcementZh(), after.announcementZh());
        if (before.announcementOn() != after.announcementOn()) {
            changes.add("announcementOn " + before.announcementOn() + " -> " + after.announcementOn());
        }
        return String.join("; ", changes);
    }

    private static String quoted(String text) {
        return text == null ? "none" : "'" + text + "'";
    }
}
