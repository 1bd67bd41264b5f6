package io.kamiflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Expand/contract (docs/upgrades.md, rule 4): the previous release runs on the schema a migration leaves, so a
 * migration only adds. Dropping or renaming a table or column, changing a column's type or making one NOT NULL (or
 * adding one NOT NULL without a default) breaks the nodes not yet replaced: such a contraction ships at least two
 * releases after its expansion and is named in {@link #REVIEWED_CONTRACTIONS} with the reason it is safe.
 */
class MigrationRulesTest {

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /** file name -> why its contraction is safe (nothing of the previous release still reads or writes it) */
    static final Map<String, String> REVIEWED_CONTRACTIONS = Map.of();

    private static final Map<String, Pattern> CONTRACTIONS = Map.of(
            "drops a table", Pattern.compile("\\bDROP\\s+TABLE\\b"),
            "drops a column", Pattern.compile("\\bDROP\\s+COLUMN\\b"),
            "renames", Pattern.compile("\\bRENAME\\b"),
            "changes a column's type", Pattern.compile("\\bALTER\\s+COLUMN\\s+\\S+\\s+(SET\\s+DATA\\s+)?TYPE\\b"),
            "makes a column NOT NULL", Pattern.compile("\\bSET\\s+NOT\\s+NULL\\b"),
            "adds a NOT NULL column without a default",
            Pattern.compile("\\bADD\\s+(?!(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK)\\b)(COLUMN\\s+)?(IF\\s+NOT\\s+EXISTS\\s+)?\\S+\\s+(?:(?!\\bDEFAULT\\b)[^,;])*\\bNOT\\s+NULL\\b(?:(?!\\bDEFAULT\\b)[^,;])*(?:[,;]|$)"));

    @Test
    void migrationsOnlyExpandUnlessReviewed() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : migrations()) {
            String name = file.getFileName().toString();
            String sql = withoutComments(Files.readString(file, StandardCharsets.UTF_8)).toUpperCase();
            CONTRACTIONS.forEach((what, pattern) -> {
                if (pattern.matcher(sql).find() && !REVIEWED_CONTRACTIONS.containsKey(name)) {
                    found.add(MIGRATIONS.relativize(file) + " " + what);
                }
            });
        }
        assertThat(found).as("contracting migrations not in REVIEWED_CONTRACTIONS (docs/upgrades.md, rule 4)").isEmpty();
    }

    @Test
    void theCheckSeesWhatItGuardsAgainst() {
        List<String> bad = List.of("ALTER TABLE payment DROP COLUMN raw_status;", "DROP TABLE coupon;",
                "ALTER TABLE product RENAME COLUMN name TO title;", "ALTER TABLE product RENAME TO item;",
                "ALTER TABLE product ALTER COLUMN price TYPE NUMERIC;", "ALTER TABLE product ALTER COLUMN sku SET NOT NULL;",
                "ALTER TABLE product ADD COLUMN weight INT NOT NULL;");
        List<String> fine = List.of("ALTER TABLE product ADD COLUMN weight INT;",
                "ALTER TABLE product ADD COLUMN weight INT NOT NULL DEFAULT 0;",
                "ALTER TABLE product ADD COLUMN weight INT DEFAULT 0 NOT NULL;",
                "CREATE TABLE probe (id BIGINT NOT NULL PRIMARY KEY);", "DROP INDEX ix_order_email;",
                "-- DROP TABLE coupon;\nCREATE INDEX ix ON product (sku);");
        for (String sql : bad) {
            assertThat(contracts(sql)).as(sql).isTrue();
        }
        for (String sql : fine) {
            assertThat(contracts(sql)).as(sql).isFalse();
        }
    }

    @Test
    void reviewedContractionsNameExistingMigrations() throws IOException {
        List<String> names = migrations().stream().map(f -> f.getFileName().toString()).toList();
        assertThat(names).containsAll(REVIEWED_CONTRACTIONS.keySet());
    }

    private static boolean contracts(String sql) {
        String upper = withoutComments(sql).toUpperCase();
        return CONTRACTIONS.values().stream().anyMatch(p -> p.matcher(upper).find());
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
    }

    private static List<Path> migrations() throws IOException {
        try (Stream<Path> files = Files.walk(MIGRATIONS)) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        }
    }
}
