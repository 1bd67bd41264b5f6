package io.kamiflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/** The JSON APIs are documented with OpenAPI: the buyer part for anyone, the admin part for admins only. */
class ApiDocsTest extends IntegrationTest {

    @Test
    void theBuyerApiIsDocumentedForEveryoneWithoutTheAdminPaths() {
        ShopClient.Response buyer = shop().send("GET", "/v3/api-docs/buyer", null, null, java.util.Map.of());
        assertThat(buyer.status()).isEqualTo(200);
        assertThat(buyer.json().get("paths").has("/api/orders")).isTrue();
        assertThat(buyer.json().get("paths").has("/api/orders/{orderNo}")).isTrue();
        assertThat(buyer.json().get("paths").has("/api/products")).isTrue();
        assertThat(buyer.json().get("paths").has("/api/payments/sandbox/notify")).isTrue();
        assertThat(buyer.body()).doesNotContain("/api/admin");
        assertThat(shop().send("GET", "/swagger-ui/index.html", null, null, java.util.Map.of()).status()).isEqualTo(200);
    }

    @Test
    void theAdminApiDocumentNeedsAdminCredentials() {
        assertThat(shop().send("GET", "/v3/api-docs/admin", null, null, java.util.Map.of()).status()).isEqualTo(401);
        assertThat(shop().send("GET", "/v3/api-docs", null, null, java.util.Map.of()).status()).isEqualTo(401);
        ShopClient.Response admin = shop().admin("GET", "/v3/api-docs/admin", null, null);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.json().get("paths").has("/api/admin/products")).isTrue();
        assertThat(admin.json().get("paths").has("/api/admin/orders/{orderNo}/refund")).isTrue();
    }

    @Test
    void theAdminDocumentListsEveryProductOperation() {
        com.fasterxml.jackson.databind.JsonNode paths = shop().admin("GET", "/v3/api-docs/admin", null, null).json().get("paths");
        assertThat(paths.get("/api/admin/products").fieldNames()).toIterable().contains("get", "post");
        assertThat(paths.get("/api/admin/products/{sku}").fieldNames()).toIterable().contains("get", "put");
        com.fasterxml.jackson.databind.JsonNode put = paths.get("/api/admin/products/{sku}").get("put");
        assertThat(put.get("parameters")).anySatisfy(p -> {
            assertThat(p.get("name").asText()).isEqualTo("If-Match");
            assertThat(p.get("in").asText()).isEqualTo("header");
        });
        assertThat(put.get("responses").fieldNames()).toIterable().contains("200", "400", "404", "412", "428");
        assertThat(put.get("responses").get("200").has("content")).as("the answer's schema").isTrue();
        assertThat(put.has("requestBody")).isTrue();
    }

    /**
     * Every document that lists the admin API needs admin credentials, however it is asked for (the YAML form, an
     * encoded letter): only the buyer document and swagger-ui's configuration are public.
     */
    @Test
    void everyFormOfTheAdminDocumentNeedsAdminCredentials() {
        for (String path : new String[] {"/v3/api-docs.yaml", "/v3/api-docs.yaml/admin", "/v3/%61pi-docs/admin",
                "/v3/api-docs/%61dmin", "/v3/api-docs.yaml/%61dmin", "/v3/api-docs/nosuchgroup", "/v3/api-docs.json"}) {
            ShopClient.Response anonymous = shop().send("GET", path, null, null, java.util.Map.of());
            assertThat(anonymous.status()).as(path + ": " + anonymous.body()).isEqualTo(401);
            assertThat(anonymous.body()).as(path).doesNotContain("/api/admin/");
        }
        assertThat(shop().admin("GET", "/v3/api-docs.yaml/admin", null, null).body()).contains("/api/admin/products");
        for (String path : new String[] {"/v3/api-docs/buyer", "/v3/api-docs.yaml/buyer", "/v3/api-docs/swagger-config"}) {
            ShopClient.Response open = shop().send("GET", path, null, null, java.util.Map.of());
            assertThat(open.status()).as(path).isEqualTo(200);
            assertThat(open.body()).as(path).doesNotContain("/api/admin/");
        }
    }
}
