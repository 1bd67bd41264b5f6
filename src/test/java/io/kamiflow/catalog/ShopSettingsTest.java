package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shop's name and announcement over the admin API (round trip with If-Match, what is refused, the audit row) and
 * on the storefront: the name in the buyer's language, else the other one, else the default; the banner escaped.
 */
class ShopSettingsTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void settings() {
        shop = shop();
        reset();
    }

    @AfterEach
    void defaults() {
        reset(); // the row outlives the tests' TRUNCATE: leave the default shop to the next class
    }

    @Test
    void settingsRoundTripWithTheirETagAndAreAudited() {
        ShopClient.Response read = shop.admin("GET", "/api/admin/shop", null, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("nameEn").isNull()).isTrue();
        assertThat(read.json().get("announcementOn").asBoolean()).isFalse();
        String etag = read.header("ETag");
        assertThat(etag).isEqualTo("\"" + read.json().get("version").asLong() + "\"");

        ShopClient.Response noIfMatch = put(null, edit("Key Corner", "钥匙角", "**Sale** today", "今日**特价**", true));
        assertThat(noIfMatch.status()).isEqualTo(428);

        ShopClient.Response saved = put(etag, edit("  Key Corner ", "钥匙角", "**Sale** today", "今日**特价**", true));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        assertThat(saved.json().get("nameEn").asText()).isEqualTo("Key Corner");
        assertThat(saved.json().get("nameZh").asText()).isEqualTo("钥匙角");
        assertThat(saved.json().get("announcementOn").asBoolean()).isTrue();
        assertThat(saved.json().get("updatedAt").asText()).endsWith("Z");
        assertThat(saved.header("ETag")).isNotEqualTo(etag);
        assertThat(shop.admin("GET", "/api/admin/shop", null, null).json().get("announcementZh").asText())
                .isEqualTo("今日**特价**");
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'shop.update' AND actor = ?",
                String.class, ShopClient.ADMIN_USER))
                .isEqualTo("nameEn none -> 'Key Corner'; nameZh none -> '钥匙角'; announcementEn 0 -> 14 chars; "
                        + "announcementZh 0 -> 8 chars; announcementOn false -> true");

        ShopClient.Response stale = put(etag, edit("Other", null, null, null, false));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(stale.header("ETag")).isEqualTo(saved.header("ETag"));

        ShopClient.Response same = put(saved.header("ETag"), edit("Key Corner", "钥匙角", "**Sale** today", "今日**特价**", true));
        assertThat(same.header("ETag")).as("nothing changed, no new version").isEqualTo(saved.header("ETag"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'shop.update'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void ofSixOwnersSavingTheSameVersionAtOnceOneWinsTheOthersHear412() throws Exception {
        String etag = shop.admin("GET", "/api/admin/shop", null, null).header("ETag");
        long version = jdbc.queryForObject("SELECT version FROM shop_profile", Long.class);
        java.util.List<java.util.concurrent.Callable<ShopClient.Response>> owners = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String name = "Shop " + i;
            owners.add(() -> put(etag, edit(name, null, null, null, false)));
        }
        java.util.List<ShopClient.Response> answers = io.kamiflow.support.Concurrently.run(6, owners);

        assertThat(answers).extracting(ShopClient.Response::status).containsOnly(200, 412).containsOnlyOnce(200);
        ShopClient.Response winner = answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow();
        assertThat(jdbc.queryForMap("SELECT name_en, version FROM shop_profile"))
                .containsEntry("name_en", winner.json().get("nameEn").asText()).containsEntry("version", version + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'shop.update'", Integer.class))
                .isEqualTo(1);
        assertThat(new StorefrontForms(port, null).get("/", "en").body())
                .contains("<title>Products · " + winner.json().get("nameEn").asText() + "</title>");
    }

    @Test
    void invalidSettingsAreRefusedWithAProblemNamingTheField() {
        ShopClient.Response tooLong = put("*", edit("x".repeat(101), null, null, null, false));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.contentType()).startsWith("application/problem+json");
        assertThat(tooLong.body()).contains("nameEn");

        ShopClient.Response nothingToShow = put("*", edit("Shop", null, " ", null, true));
        assertThat(nothingToShow.status()).isEqualTo(400);
        assertThat(nothingToShow.contentType()).startsWith("application/problem+json");
        assertThat(nothingToShow.json().get("detail").asText()).startsWith("announcementOn needs an announcement");

        Map<String, Object> noSwitch = edit("Shop", null, null, null, false);
        noSwitch.remove("announcementOn");
        ShopClient.Response missing = put("*", noSwitch);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("announcementOn");

        assertThat(shop.send("PUT", "/api/admin/shop", "application/json", ShopClient.json(edit("Mine", null, null, null, false)),
                Map.of("If-Match", "*")).status()).as("no credentials").isEqualTo(401);
        assertThat(shop.admin("GET", "/api/admin/shop", null, null).json().get("nameEn").isNull()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'shop.update'", Integer.class)).isZero();
    }

    @Test
    void theStorefrontShowsTheNameInTheBuyersLanguageAndTheBannerEscaped() {
        Shop.productWithKeys(shop, "GAME", "5.00", 1);
        StorefrontForms buyer = new StorefrontForms(port, null);
        assertThat(buyer.get("/", "en").body()).contains("<title>Products · kamiflow</title>")
                .doesNotContain("id=\"announcement\"");

        assertThat(put("*", edit("Key Corner", null, "**Sale** <script>alert(1)</script>", null, true)).status())
                .isEqualTo(200);
        String english = buyer.get("/", "en").body();
        assertThat(english).contains("<title>Products · Key Corner</title>", ">Key Corner</span></a>",
                "<strong>Sale</strong> &lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
        String chinese = buyer.get("/", "zh-CN").body();
        assertThat(chinese).as("no Chinese texts: the English ones").contains("<title>商品 · Key Corner</title>",
                "<strong>Sale</strong>");
        assertThat(buyer.get("/products/GAME", "zh-CN").body()).contains("· Key Corner</title>");

        assertThat(put("*", edit("Key Corner", "钥匙角", "Sale", "特价", false)).status()).isEqualTo(200);
        assertThat(buyer.get("/", "zh-CN").body()).contains("<title>商品 · 钥匙角</title>", ">钥匙角</span></a>")
                .doesNotContain("id=\"announcement\"");
        assertThat(buyer.get("/find-order", "zh-CN").body()).contains(">钥匙角</span></a>");
        assertThat(put("*", edit(null, "钥匙角", null, "特价", true)).status()).isEqualTo(200);
        assertThat(buyer.get("/", "en").body()).contains("<title>Products · 钥匙角</title>", "<p>特价</p>");
    }

    private void reset() {
        assertThat(put("*", edit(null, null, null, null, false)).status()).isEqualTo(200);
    }

    private ShopClient.Response put(String ifMatch, Map<String, Object> body) {
        return shop.admin("PUT", "/api/admin/shop", "application/json", ShopClient.json(body),
                ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    }

    static Map<String, Object> edit(String nameEn, String nameZh, String announcementEn, String announcementZh, boolean on) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nameEn", nameEn);
        body.put("nameZh", nameZh);
        body.put("announcementEn", announcementEn);
        body.put("announcementZh", announcementZh);
        body.put("announcementOn", on);
        return body;
    }
}
