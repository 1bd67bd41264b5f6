package io.kamiflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.TestDatabase;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The old jar on the new schema (docs/upgrades.md, rule 4): release N+1's migration (test resource
 * upgrade/future/V9999) is applied to this database; this node, which does not know it, still validates and migrates
 * with the Flyway the application runs at start, and takes, pays and delivers orders on tables with columns it has
 * never heard of.
 */
class FutureMigrationTest extends IntegrationTest {

    @Autowired
    Flyway flyway;

    /**
     * The trap behind SchemaChangeTolerantStatements: a {@code SELECT *} the driver has prepared on the server fails
     * once the table gains a column, unless the pool's autosave re-runs it (a plain connection shows the failure).
     */
    @Test
    void aStatementPreparedBeforeTheExpansionStillWorksOnThePoolsConnections() throws SQLException {
        String sql = "SELECT * FROM customer_order WHERE id = ?";
        try (Connection pooled = dataSource.getConnection();
             Connection plain = DriverManager.getConnection(TestDatabase.get().url(), TestDatabase.get().user(),
                     TestDatabase.get().password());
             PreparedStatement fromPool = pooled.prepareStatement(sql);
             PreparedStatement fromPlain = plain.prepareStatement(sql)) {
            for (int i = 0; i < 8; i++) { // past the driver's prepareThreshold (5): now a server-side statement
                run(fromPool, i);
                run(fromPlain, i);
            }
            migrateAsTheNextRelease();
            pooled.setAutoCommit(false);
            plain.setAutoCommit(false);
            try {
                assertThat(run(fromPool, 1)).isZero();
                assertThatThrownBy(() -> run(fromPlain, 1)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("cached plan must not change result type");
            } finally {
                pooled.rollback();
                plain.rollback();
                pooled.setAutoCommit(true);
            }
        }
    }

    private static int run(PreparedStatement statement, long id) throws SQLException {
        statement.setLong(1, id);
        int rows = 0;
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows++;
            }
        }
        return rows;
    }

    private void migrateAsTheNextRelease() {
        List<Location> newer = new ArrayList<>(Arrays.asList(flyway.getConfiguration().getLocations()));
        newer.add(new Location("classpath:upgrade/future"));
        Flyway nextRelease = Flyway.configure().configuration(flyway.getConfiguration())
                .locations(newer.toArray(Location[]::new)).load();
        assertThat(nextRelease.migrate().migrationsExecuted).isEqualTo(1);
    }

    @AfterEach
    void contract() {
        jdbc.execute("ALTER TABLE customer_order DROP COLUMN IF EXISTS upgrade_probe_note");
        jdbc.execute("ALTER TABLE customer_order DROP COLUMN IF EXISTS upgrade_probe_flag");
        jdbc.execute("ALTER TABLE payment DROP COLUMN IF EXISTS upgrade_probe_note");
        jdbc.execute("ALTER TABLE card_key DROP COLUMN IF EXISTS upgrade_probe_note");
        jdbc.execute("DROP TABLE IF EXISTS upgrade_probe");
        jdbc.update("DELETE FROM " + flyway.getConfiguration().getTable() + " WHERE version = '9999'");
    }

    @Autowired
    DataSource dataSource;

    @Test
    void aNodeOfTheOldReleaseStartsAndWorksAfterTheNextReleaseMigrated() {
        migrateAsTheNextRelease();

        // what this node's start does: Flyway validates on migrate; the future migration is ignored, nothing fails
        flyway.validate();
        assertThat(flyway.migrate().migrationsExecuted).isZero();
        // and without the pattern it would not start: the setting is what lets an old node restart mid-upgrade
        Flyway strict = Flyway.configure().configuration(flyway.getConfiguration()).ignoreMigrationPatterns("").load();
        assertThatThrownBy(strict::validate).isInstanceOf(FlywayValidateException.class);

        // the old code's inserts, updates and reads on the expanded tables: a whole order, paid and delivered
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "EXPAND", "2.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "EXPAND", 1, "expand@upgrade.example");
        assertThat(Shop.pay(shop, order, "EX-" + order.orderNo()).status()).isEqualTo(200);
        awaitDelivered(order.orderNo());
        assertThat(shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys")).hasSize(1);
        assertThat(shop.admin("GET", "/api/admin/orders/" + order.orderNo(), null, null).status()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT upgrade_probe_flag FROM customer_order WHERE order_no = ?", Boolean.class,
                order.orderNo())).isFalse();
    }
}
