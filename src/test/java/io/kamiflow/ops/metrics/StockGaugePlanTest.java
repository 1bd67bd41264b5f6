package io.kamiflow.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/**
 * The stock gauges' refresh (every 5 s on every node) counts each active product's keys on sale. A sold-out product's
 * count must prove none is left: on statistics from before its sale the unordered count read every key the product
 * ever had, a sequential scan or a bitmap over all of them, at every refresh. Fails with the count unordered.
 */
class StockGaugePlanTest extends IntegrationTest {

    @Test
    void aSoldOutProductsGaugeReadsFewPagesOnStatisticsFromBeforeItsSale() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAUGED", "1.00", 8_000);
        Shop.productWithKeys(shop, "AFTER", "1.00", 4_000);
        jdbc.execute("ANALYZE card_key"); // statistics from before the sale: every key on sale
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE product_id = (SELECT id FROM product WHERE sku = 'GAUGED')");

        refresh(); // the first read of a taken key's entry marks it dead, as the sale's first refresh does
        JsonNode plan = refresh();
        long blocks = plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
        assertThat(blocks).as("pages a refresh reads with one product sold out: %s", plan).isLessThan(100);
        assertThat(jdbc.queryForList("SELECT sku || '=' || available FROM (" + ShopGauges.STOCK_COUNTED + ") s ORDER BY sku",
                String.class)).containsExactly("AFTER=1000", "GAUGED=0"); // up to 1,000 past the threshold
    }

    private JsonNode refresh() throws Exception {
        String plan = jdbc.queryForObject("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + ShopGauges.STOCK_COUNTED, String.class);
        return new ObjectMapper().readTree(plan).get(0).get("Plan");
    }
}
