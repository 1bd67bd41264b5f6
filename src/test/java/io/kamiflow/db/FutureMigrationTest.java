package io.kamiflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * The trap: PostgreSQL's driver prepares a statement on the server after a few uses, and a prepared {@code SELECT *}
     * fails with "cached plan must not change result type" once its table gains a column (the old node answered 500
     * to checkouts while it still read orders that way). A statement that names its columns keeps working.
     */
    @Test
    void aPreparedStatementNamingItsColumnsOutlivesTheExpansionWhereSelectStarFails() throws SQLException {
        try (Connection plain = DriverManager.getConnection(TestDatabase.get().url(), TestDatabase.get().user(),
                TestDatabase.get().password());
             PreparedStatement named = plain.prepareStatement("SELECT id, order_no, status FROM customer_order WHERE id = ?");
             PreparedStatement star = plain.prepareStatement("SELECT * FROM customer_order WHERE id = ?")) {
            for (int i = 0; i < 8; i++) { // past the driver's prepareThreshold (5): now server-side statements
                run(named, i);
                run(star, i);
            }
            migrateAsTheNextRelease();
            plain.setAutoCommit(false);
            try {
                assertThat(run(named, 1)).isZero();
                assertThatThrownBy(() -> run(star, 1)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("cached plan must not change result type");
            } finally {
                plain.rollback();
            }
        }
    }

    /** So kamiflow's own SQL names its columns (its repositories' *_COLUMNS constants); Camunda's tables are not expanded by us. */
    @Test
    void noStatementOfKamiflowSelectsStar() throws IOException {
        Pattern selectStar = Pattern.compile("(?i)SELECT\\s+(\\w+\\.)?\\*(\\s|,|\")");
        List<String> found = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (!line.startsWith("*") && !line.startsWith("//") && selectStar.matcher(line).find()) {
                        found.add(source + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertThat(found).as("SELECT * in kamiflow's SQL (name the columns)").isEmpty();
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
