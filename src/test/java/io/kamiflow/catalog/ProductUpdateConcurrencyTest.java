package io.kamiflow.catalog;

import static io.kamiflow.catalog.AdminProductApiTest.assertProblem;
import static io.kamiflow.catalog.AdminProductApiTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No change is lost silently: a PUT names the version it read (If-Match with the ETag), a stale one is refused with
 * 412, a missing one with 428; If-Match: * is the explicit "overwrite whatever is stored".
 */
class ProductUpdateConcurrencyTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void catalogue() {
        shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 0);
    }

    @Test
    void ofAdminsWhoReadTheSameVersionOnlyOneWinsTheOthersHear412() throws Exception {
        String etag = shop.admin("GET", "/api/admin/products/GAME", null, null).header("ETag");
        List<Callable<ShopClient.Response>> admins = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String price = i + ".00";
            admins.add(() -> put(etag, body("Game", price, "CNY", 0, true)));
        }

        List<ShopClient.Response> answers = Concurrently.run(6, admins);

        assertThat(answers).extracting(ShopClient.Response::status).containsOnly(200, 412).containsOnlyOnce(200);
        ShopClient.Response winner = answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow();
        assertThat(jdbc.queryForMap("SELECT price_minor, version FROM product WHERE sku = 'GAME'"))
                .containsEntry("price_minor", Money.parse(winner.json().get("price").asText(), "CNY").minor())
                .containsEntry("version", 1L);
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event WHERE action = 'product.update'", String.class))
                .singleElement().asString().endsWith("-> " + winner.json().get("price").asText() + " CNY");
        ShopClient.Response loser = answers.stream().filter(a -> a.status() == 412).findFirst().orElseThrow();
        assertThat(loser.contentType()).startsWith("application/problem+json");
        assertThat(loser.json().get("detail").asText()).contains("changed since", "\"1\"");
        assertThat(loser.header("ETag")).isEqualTo("\"1\"");
    }

    @Test
    void aStaleOrMissingVersionChangesNothing() {
        assertThat(put("\"0\"", body("First", "1.00", "CNY", 0, true)).status()).isEqualTo(200);

        assertProblem(put("\"0\"", body("Second", "2.00", "CNY", 0, true)), 412, "changed since");
        assertProblem(put(null, body("Second", "2.00", "CNY", 0, true)), 428, "If-Match");
        assertProblem(put("W/\"0\"", body("Second", "2.00", "CNY", 0, true)), 412, "changed since");
        assertProblem(put("not-a-tag", body("Second", "2.00", "CNY", 0, true)), 412, "changed since");

        assertThat(jdbc.queryForMap("SELECT name, version FROM product WHERE sku = 'GAME'"))
                .containsEntry("name", "First").containsEntry("version", 1L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'product.update'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void theCurrentVersionInAnyFormOrAStarGoesThrough() {
        assertThat(put("\"7\", \"0\"", body("Listed", "1.00", "CNY", 0, true)).header("ETag")).isEqualTo("\"1\"");
        // a proxy that compresses answers weakens the ETag it passes on; the version still names what was read
        assertThat(put("W/\"1\"", body("Weak", "1.00", "CNY", 0, true)).header("ETag")).isEqualTo("\"2\"");
        ShopClient.Response star = put("*", body("Overwritten", "1.00", "CNY", 0, true));
        assertThat(star.status()).isEqualTo(200);
        assertThat(star.header("ETag")).isEqualTo("\"3\"");
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event WHERE action = 'product.update' ORDER BY id",
                String.class)).containsExactly("name 'Product GAME' -> 'Listed'; price 12.50 CNY -> 1.00 CNY",
                "name 'Listed' -> 'Weak'", "name 'Weak' -> 'Overwritten'");
    }

    private ShopClient.Response put(String ifMatch, String json) {
        return shop.admin("PUT", "/api/admin/products/GAME", "application/json", json,
                ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    }
}
