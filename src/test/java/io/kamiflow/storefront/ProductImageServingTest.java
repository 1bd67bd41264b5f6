package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Images as buyers get them, over real HTTP: the versioned URL cached for a year and immutable, any other briefly; the
 * hash as strong ETag and 304 for it; nosniff; 404 for a product without an image or a hidden one; no odd spelling of
 * the path reaching anything; the catalogue and product page showing the image with its size and the name in the
 * buyer's language, a placeholder without one; the logo in the header.
 */
class ProductImageServingTest extends IntegrationTest {

    private byte[] png;
    private String url;
    private String sha;

    @BeforeEach
    void productWithImage() {
        Shop.productWithKeys(shop(), "PIC", "5.00", 1);
        Shop.productWithKeys(shop(), "PLAIN", "6.00", 1);
        png = TestImages.png(320, 200);
        TestImages.Fetched put = TestImages.send(port, "PUT", "/api/admin/products/PIC/image", png, "image/png", true, Map.of());
        assertThat(put.status()).isEqualTo(200);
        sha = jdbc.queryForObject("SELECT sha256 FROM stored_image", String.class);
        url = "/images/products/PIC?v=" + sha.substring(0, 16);
    }

    @Test
    void theVersionedUrlIsCachedForAYearAndRevalidatesWith304() {
        TestImages.Fetched image = TestImages.get(port, url, Map.of());
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(png);
        assertThat(image.header("Content-Type")).isEqualTo("image/png");
        assertThat(image.header("Content-Length")).isEqualTo(Integer.toString(png.length));
        assertThat(image.header("ETag")).isEqualTo("\"" + sha + "\"");
        assertThat(image.header("Cache-Control")).contains("public", "max-age=31536000", "immutable").doesNotContain("no-");
        assertThat(image.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(image.header("Pragma")).isNull();
        assertThat(image.header("Expires")).isNull();
        assertThat(image.header("Set-Cookie")).isNull();

        for (String tag : List.of("\"" + sha + "\"", "W/\"" + sha + "\"", "\"other\", \"" + sha + "\"", "*")) {
            TestImages.Fetched revalidated = TestImages.get(port, url, Map.of("If-None-Match", tag));
            assertThat(revalidated.status()).as(tag).isEqualTo(304);
            assertThat(revalidated.body()).as(tag).isEmpty();
            assertThat(revalidated.header("ETag")).isEqualTo("\"" + sha + "\"");
            assertThat(revalidated.header("Cache-Control")).contains("immutable");
        }
        assertThat(TestImages.get(port, url, Map.of("If-None-Match", "\"" + sha.substring(1) + "\"")).status()).isEqualTo(200);
    }

    @Test
    void withoutTheCurrentVersionTheImageIsCachedBrieflyAndANewUploadChangesTheUrl() {
        TestImages.Fetched plain = TestImages.get(port, "/images/products/PIC", Map.of());
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("Cache-Control")).contains("public", "max-age=300").doesNotContain("immutable");

        byte[] other = TestImages.png(100, 100);
        TestImages.Fetched replaced = TestImages.send(port, "PUT", "/api/admin/products/PIC/image", other, null, true, Map.of());
        String newUrl = new String(replaced.body(), StandardCharsets.UTF_8).replaceAll(".*\"url\":\"([^\"]+)\".*", "$1");
        assertThat(newUrl).startsWith("/images/products/PIC?v=").isNotEqualTo(url);

        TestImages.Fetched stale = TestImages.get(port, url, Map.of()); // an old page's link: the new image, briefly
        assertThat(stale.body()).isEqualTo(other);
        assertThat(stale.header("Cache-Control")).contains("max-age=300").doesNotContain("immutable");
        assertThat(TestImages.get(port, url, Map.of("If-None-Match", "\"" + sha + "\"")).status()).isEqualTo(200);
        TestImages.Fetched current = TestImages.get(port, newUrl, Map.of());
        assertThat(current.body()).isEqualTo(other);
        assertThat(current.header("Cache-Control")).contains("immutable");
    }

    @Test
    void aProductWithoutImageAHiddenOneAndAnUnknownOneAre404() {
        assertThat(TestImages.get(port, "/images/products/PLAIN", Map.of()).status()).isEqualTo(404);
        assertThat(TestImages.get(port, "/images/products/NOPE", Map.of()).status()).isEqualTo(404);
        assertThat(TestImages.get(port, "/images/shop/logo", Map.of()).status()).isEqualTo(404);
        jdbc.update("UPDATE product SET active = false WHERE sku = 'PIC'");
        TestImages.Fetched hidden = TestImages.get(port, url, Map.of());
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.body()).isEmpty();
        assertThat(hidden.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(TestImages.get(port, url, Map.of("If-None-Match", "\"" + sha + "\"")).status()).isEqualTo(404);
    }

    @Test
    void noOddSpellingOfThePathReachesAnImageOrAnythingElse() {
        List<String> odd = List.of("/images/products/..%2fPIC", "/images/products/..%2f", "/images/products/PIC%2F",
                "//images/products/PIC", "/images//products/PIC", "/images/products/PIC;jsessionid=x",
                "/images/products;x=y/PIC", "/images/products/%2e%2e/shop/logo", "/images/products/./PIC",
                "/images/x/../products/PIC", "/images/products/PIC/", "/images/products/PIC/x", "/images/products/",
                "/images/products", "/images/", "/IMAGES/products/PIC", "/images/Products/PIC", "/images/shop/logo/",
                "/images/shop/logo;jsessionid=x", "/images/shop/LOGO", "/images/shop/other", "/images/products/PIC%00");
        for (String path : odd) {
            TestImages.Fetched answer = TestImages.get(port, path, Map.of());
            assertThat(answer.status()).as(path).isIn(400, 404);
            assertThat(answer.body()).as(path).isNotEqualTo(png);
        }
        // the path's sku is matched exactly: a different case is another (unknown) product
        assertThat(TestImages.get(port, "/images/products/pic", Map.of()).status()).isEqualTo(404);
        assertThat(TestImages.get(port, "/images/products/PI%43", Map.of()).body()).isEqualTo(png); // plain percent-encoding
    }

    @Test
    void theCatalogueAndProductPageShowTheImageSizedAndNamedInTheBuyersLanguageOrAPlaceholder() {
        jdbc.update("UPDATE product SET name_zh = '图片卡' WHERE sku = 'PIC'");
        String english = new StorefrontForms(port, null).get("/", "en").body();
        assertThat(english).contains("src=\"" + url + "\" width=\"320\" height=\"200\" alt=\"Product PIC\" loading=\"lazy\"");
        assertThat(english).contains("class=\"card-image placeholder\" aria-hidden=\"true\">P</span>");
        String chinese = new StorefrontForms(port, null).get("/", "zh-CN").body();
        assertThat(chinese).contains("src=\"" + url + "\" width=\"320\" height=\"200\" alt=\"图片卡\" loading=\"lazy\"");

        String page = new StorefrontForms(port, null).get("/products/PIC", "zh-CN").body();
        assertThat(page).contains("<img src=\"" + url + "\" width=\"320\" height=\"200\" alt=\"图片卡\">");
        String plain = new StorefrontForms(port, null).get("/products/PLAIN", "en").body();
        assertThat(plain).contains("class=\"placeholder\"").doesNotContain("/images/products/");
        assertThat(english).doesNotContain("class=\"logo\"");
    }

    @Test
    void theLogoIsInEveryStorefrontHeaderOnceSet() {
        byte[] logo = TestImages.png(160, 48);
        assertThat(TestImages.send(port, "PUT", "/api/admin/shop/logo", logo, "image/png", true, Map.of()).status()).isEqualTo(200);
        String version = jdbc.queryForObject("SELECT sha256 FROM stored_image WHERE slot = 'shop:logo'", String.class).substring(0, 16);
        String tag = "<img class=\"logo\" src=\"/images/shop/logo?v=" + version + "\"";
        for (String path : List.of("/", "/products/PIC", "/find-order", "/products/NOPE")) {
            assertThat(new StorefrontForms(port, null).get(path, "en").body()).as(path).contains(tag, "width=\"160\" height=\"48\" alt=\"\"");
        }
        TestImages.Fetched served = TestImages.get(port, "/images/shop/logo?v=" + version, Map.of());
        assertThat(served.body()).isEqualTo(logo);
        assertThat(served.header("Cache-Control")).contains("immutable");
        assertThat(TestImages.get(port, "/images/shop/logo?v=" + version, Map.of("If-None-Match", served.header("ETag"))).status())
                .isEqualTo(304);
    }
}
