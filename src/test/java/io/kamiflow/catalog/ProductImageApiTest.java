package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A product's image and the shop's logo through the admin API over real HTTP: PNG, JPEG, GIF and WebP made here are
 * stored with their size, type and hash and shown as imageUrl; SVG, a renamed text file, a file over the limit and a
 * cut-off image are refused with the right status whatever Content-Type the client claims, and store nothing.
 */
class ProductImageApiTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void products() {
        Shop.productWithKeys(shop(), "PIC", "5.00", 1);
        Shop.productWithKeys(shop(), "PLAIN", "5.00", 1);
    }

    @Test
    void aPngIsStoredAnsweredWithItsUrlAndShownInTheProductAndTheListAndAudited() throws Exception {
        byte[] png = TestImages.png(320, 200);

        TestImages.Fetched put = put("/api/admin/products/PIC/image", png, "application/octet-stream");

        assertThat(put.status()).as(text(put)).isEqualTo(200);
        JsonNode answer = json(put);
        String sha = ShopImages.sha256(png);
        assertThat(answer.get("url").asText()).isEqualTo("/images/products/PIC?v=" + sha.substring(0, 16));
        assertThat(answer.get("contentType").asText()).isEqualTo("image/png");
        assertThat(answer.get("size").asInt()).isEqualTo(png.length);
        assertThat(answer.get("width").asInt()).isEqualTo(320);
        assertThat(answer.get("height").asInt()).isEqualTo(200);
        assertThat(answer.get("sha256").asText()).isEqualTo(sha);
        assertThat(answer.get("updatedAt").asText()).endsWith("Z");

        Map<String, Object> row = jdbc.queryForMap("SELECT i.* FROM stored_image i JOIN product p ON p.id = i.product_id WHERE p.sku = 'PIC'");
        assertThat(row).containsEntry("slot", "product:" + jdbc.queryForObject("SELECT id FROM product WHERE sku = 'PIC'", Long.class))
                .containsEntry("content_type", "image/png").containsEntry("sha256", sha).containsEntry("size_bytes", png.length)
                .containsEntry("width", 320).containsEntry("height", 200);
        assertThat((byte[]) row.get("content")).isEqualTo(png);

        assertThat(json(get("/api/admin/products/PIC")).get("imageUrl").asText()).isEqualTo(answer.get("url").asText());
        assertThat(json(get("/api/admin/products/PLAIN")).get("imageUrl").isNull()).isTrue();
        JsonNode list = json(get("/api/admin/products"));
        assertThat(list.get(0).get("sku").asText()).isEqualTo("PIC");
        assertThat(list.get(0).get("imageUrl").asText()).isEqualTo(answer.get("url").asText());
        assertThat(list.get(1).get("imageUrl").isNull()).isTrue();

        TestImages.Fetched served = TestImages.get(port, answer.get("url").asText(), Map.of());
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(png);
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject || ' ' || detail FROM audit_event"
                + " WHERE action LIKE 'product.image%'", String.class))
                .containsExactly("admin product.image.set PIC image/png, " + png.length + " bytes, 320x200, sha256 " + sha);
    }

    @Test
    void jpegGifAndWebpAreAcceptedByContentWithTheirSizes() {
        byte[] jpeg = TestImages.encode(TestImages.picture(64, 48, java.awt.Color.RED, java.awt.Color.BLUE, null), "jpeg");
        byte[] gif = TestImages.encode(TestImages.picture(30, 20, java.awt.Color.GREEN, java.awt.Color.BLACK, null), "gif");
        assertStored(put("/api/admin/products/PIC/image", jpeg, "image/png"), "image/jpeg", 64, 48); // the claim is ignored
        assertStored(put("/api/admin/products/PIC/image", gif, null), "image/gif", 30, 20);
        assertStored(put("/api/admin/products/PIC/image", TestImages.WEBP_LOSSY, "image/webp"), "image/webp", 1, 1);
        assertStored(put("/api/admin/products/PIC/image", TestImages.WEBP_LOSSLESS, "image/webp"), "image/webp", 1, 1);
        assertStored(put("/api/admin/products/PIC/image", TestImages.webpExtended(640, 480), "image/webp"), "image/webp", 640, 480);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isEqualTo(1L); // replaced each time
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'product.image.set'", Long.class)).isEqualTo(5L);
    }

    @Test
    void svgTextRenamedTooLargeAndCutOffImagesAreRefusedAndStoreNothing() {
        byte[] svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                .getBytes(StandardCharsets.UTF_8);
        assertProblem(put("/api/admin/products/PIC/image", svg, "image/png"), 415, "SVG");
        assertProblem(put("/api/admin/products/PIC/image", "just some notes, saved as notes.png".getBytes(StandardCharsets.UTF_8),
                "image/png"), 415, "not a PNG, JPEG, GIF or WebP");
        byte[] twoMegabytes = Arrays.copyOf(TestImages.png(100, 100), 2 * 1024 * 1024); // a PNG padded to 2 MB
        assertProblem(put("/api/admin/products/PIC/image", twoMegabytes, "image/png"), 413, "at most 1048576");
        byte[] png = TestImages.png(400, 300);
        assertProblem(put("/api/admin/products/PIC/image", Arrays.copyOf(png, png.length / 2), "image/png"), 400, "damaged or incomplete");
        byte[] jpeg = TestImages.encode(TestImages.picture(400, 300, java.awt.Color.RED, java.awt.Color.BLUE, null), "jpeg");
        assertProblem(put("/api/admin/products/PIC/image", Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg"), 400, "damaged or incomplete");
        byte[] webp = TestImages.webpExtended(640, 480);
        assertProblem(put("/api/admin/products/PIC/image", Arrays.copyOf(webp, webp.length - 4), "image/webp"), 400, "WebP");
        assertProblem(put("/api/admin/products/PIC/image", new byte[0], "image/png"), 400, "empty");
        assertProblem(put("/api/admin/products/PIC/image", TestImages.png(8001, 1), "image/png"), 400, "8000");
        assertProblem(put("/api/admin/products/NOPE/image", png, "image/png"), 404, "no product with sku 'NOPE'");
        assertProblem(put("/api/admin/products/PIC/image", png, "application/x-www-form-urlencoded"), 415, "not as a form");
        assertProblem(put("/api/admin/products/PIC/image", png, "multipart/form-data; boundary=x"), 415, "not as a form");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action LIKE '%image%'", Long.class)).isZero();
    }

    @Test
    void deleteRemovesTheImageIsIdempotentAndIsAudited() {
        assertThat(put("/api/admin/products/PIC/image", TestImages.png(10, 10), null).status()).isEqualTo(200);
        String url = json(get("/api/admin/products/PIC")).get("imageUrl").asText();

        assertThat(TestImages.send(port, "DELETE", "/api/admin/products/PIC/image", null, null, true, Map.of()).status()).isEqualTo(204);
        assertThat(TestImages.send(port, "DELETE", "/api/admin/products/PIC/image", null, null, true, Map.of()).status()).isEqualTo(204);

        assertThat(json(get("/api/admin/products/PIC")).get("imageUrl").isNull()).isTrue();
        assertThat(TestImages.get(port, url, Map.of()).status()).isEqualTo(404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isZero();
        assertThat(jdbc.queryForList("SELECT action FROM audit_event WHERE action LIKE 'product.image%' ORDER BY id", String.class))
                .containsExactly("product.image.set", "product.image.remove");
        assertThat(TestImages.send(port, "DELETE", "/api/admin/products/NOPE/image", null, null, true, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void uploadsAtTheSameMomentLeaveOneWholeImageAndAnAuditRowEach() throws Exception {
        java.util.List<byte[]> uploads = new java.util.ArrayList<>();
        java.util.List<java.util.concurrent.Callable<Integer>> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] png = TestImages.png(20 + i, 20);
            uploads.add(png);
            tasks.add(() -> put("/api/admin/products/PLAIN/image", png, "image/png").status());
        }
        assertThat(io.kamiflow.support.Concurrently.run(8, tasks)).containsOnly(200);

        Map<String, Object> row = jdbc.queryForMap("SELECT content, sha256, size_bytes, width FROM stored_image");
        byte[] stored = (byte[]) row.get("content");
        assertThat(uploads).anySatisfy(upload -> assertThat(upload).isEqualTo(stored));
        assertThat(row).containsEntry("sha256", ShopImages.sha256(stored)).containsEntry("size_bytes", stored.length);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'product.image.set'", Long.class))
                .isEqualTo(8L);
    }

    @Test
    void withoutCredentialsNothingIsStored() {
        TestImages.Fetched anonymous = TestImages.send(port, "PUT", "/api/admin/products/PIC/image", TestImages.png(10, 10),
                "image/png", false, Map.of());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(TestImages.send(port, "PUT", "/api/admin/shop/logo", TestImages.png(10, 10), "image/png", false, Map.of())
                .status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isZero();
    }

    @Test
    void theLogoIsSetServedAndRemovedThroughTheApi() {
        byte[] logo = TestImages.png(200, 64);
        TestImages.Fetched put = put("/api/admin/shop/logo", logo, "image/png");
        assertThat(put.status()).as(text(put)).isEqualTo(200);
        assertThat(json(put).get("url").asText()).startsWith("/images/shop/logo?v=");
        assertThat(TestImages.get(port, json(put).get("url").asText(), Map.of()).body()).isEqualTo(logo);
        assertProblem(put("/api/admin/shop/logo", "<svg/>".getBytes(StandardCharsets.UTF_8), "image/svg+xml"), 415, "SVG");
        assertThat(TestImages.send(port, "DELETE", "/api/admin/shop/logo", null, null, true, Map.of()).status()).isEqualTo(204);
        assertThat(TestImages.get(port, "/images/shop/logo", Map.of()).status()).isEqualTo(404);
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject FROM audit_event WHERE action LIKE 'shop.%' ORDER BY id",
                String.class)).containsExactly("admin shop.logo.set shop", "admin shop.logo.remove shop");
    }

    @Test
    void theOpenApiDocumentDescribesTheImageEndpointsAndImageUrl() {
        String docs = text(TestImages.send(port, "GET", "/v3/api-docs/admin", null, null, true, Map.of()));
        assertThat(docs).contains("/api/admin/products/{sku}/image", "/api/admin/shop/logo", "image/webp", "\"413\"", "\"415\"",
                "imageUrl");
    }

    private void assertStored(TestImages.Fetched put, String type, int width, int height) {
        assertThat(put.status()).as(text(put)).isEqualTo(200);
        JsonNode answer = json(put);
        assertThat(answer.get("contentType").asText()).isEqualTo(type);
        assertThat(answer.get("width").asInt()).isEqualTo(width);
        assertThat(answer.get("height").asInt()).isEqualTo(height);
        TestImages.Fetched served = TestImages.get(port, answer.get("url").asText(), Map.of());
        assertThat(served.header("Content-Type")).isEqualTo(type);
    }

    private void assertProblem(TestImages.Fetched response, int status, String detailContains) {
        assertThat(response.status()).as(text(response)).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(json(response).get("detail").asText()).contains(detailContains);
    }

    private TestImages.Fetched put(String path, byte[] body, String contentType) {
        return TestImages.send(port, "PUT", path, body, contentType, true, Map.of());
    }

    private TestImages.Fetched get(String path) {
        return TestImages.send(port, "GET", path, null, null, true, Map.of());
    }

    private static String text(TestImages.Fetched response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(TestImages.Fetched response) {
        try {
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(text(response), e);
        }
    }
}
