package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TestImages;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The back office's image forms over real HTTP with login and CSRF: a product's image uploaded, shown, replaced and
 * removed from its page, the list's thumbnail, the shop logo's own page; refusals shown in the user's language; a
 * form without its token or a support user changes nothing; every change audited under the user.
 */
class BackOfficeImagesTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
        Shop.productWithKeys(shop(), "PIC", "5.00", 1);
    }

    @Test
    void theOwnerUploadsSeesReplacesAndRemovesAProductsImage() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.90");
        ShopClient.Response page = owner.get("/admin/products/PIC", "en");
        assertThat(page.body()).contains("id=\"image\"", "No image yet", "PNG, JPEG, GIF or WebP, at most 1 MB",
                "accept=\"image/png,image/jpeg,image/gif,image/webp\"");
        String token = StorefrontForms.csrfToken(page);

        byte[] png = TestImages.png(320, 200);
        ShopClient.Response uploaded = owner.postMultipart("/admin/products/PIC/image?_csrf=" + token, Map.of(), "image", "photo.txt", png);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(302);
        assertThat(StorefrontForms.header(uploaded, "Location")).endsWith("/admin/products/PIC?imageSaved#image");
        String sha = jdbc.queryForObject("SELECT sha256 FROM stored_image", String.class);
        ShopClient.Response shown = owner.get("/admin/products/PIC?imageSaved", "en");
        assertThat(shown.body()).contains("Image saved", "<img src=\"/admin/products/PIC/image?v=" + sha.substring(0, 16)
                + "\" width=\"320\" height=\"200\" alt=\"Product PIC\">", "Remove image")
                .containsPattern("PNG, \\d+ KB, 320 × 200 pixels");
        assertThat(owner.get("/admin/products", "en").body())
                .contains("<img class=\"thumb\" src=\"/admin/products/PIC/image?v=" + sha.substring(0, 16) + "\"");
        // a hidden product's image: still in the back office (to its users only), no longer for buyers
        jdbc.update("UPDATE product SET active = false WHERE sku = 'PIC'");
        assertThat(TestImages.get(port, "/images/products/PIC", Map.of()).status()).isEqualTo(404);
        ShopClient.Response preview = owner.get("/admin/products/PIC/image?v=" + sha.substring(0, 16), "en");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.contentType()).isEqualTo("image/png");
        assertThat(StorefrontForms.header(preview, "Cache-Control")).contains("private");
        assertThat(StorefrontForms.header(new StorefrontForms(port, "203.0.113.97").get("/admin/products/PIC/image", "en"),
                "Location")).endsWith("/admin/login");
        jdbc.update("UPDATE product SET active = true WHERE sku = 'PIC'");

        ShopClient.Response removed = owner.post("/admin/products/PIC/image/remove", Map.of("_csrf", StorefrontForms.csrfToken(shown)));
        assertThat(StorefrontForms.header(removed, "Location")).endsWith("/admin/products/PIC?imageRemoved#image");
        assertThat(owner.get("/admin/products/PIC?imageRemoved", "en").body()).contains("Image removed", "No image yet");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isZero();

        StorefrontForms staff = BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.91");
        String staffToken = StorefrontForms.csrfToken(staff.get("/admin/products/PIC", "en"));
        assertThat(staff.postMultipart("/admin/products/PIC/image?_csrf=" + staffToken, Map.of(), "image", "p.webp",
                TestImages.WEBP_LOSSLESS).status()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT content_type FROM stored_image", String.class)).isEqualTo("image/webp");
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject FROM audit_event"
                + " WHERE action LIKE 'product.image%' ORDER BY id", String.class)).containsExactly(
                "admin product.image.set PIC", "admin product.image.remove PIC",
                BackOfficeAccessTest.STAFF + " product.image.set PIC");
    }

    @Test
    void refusalsAreShownInTheUsersLanguageAndStoreNothing() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.92");
        String token = StorefrontForms.csrfToken(owner.get("/admin/products/PIC", "en"));
        byte[] png = TestImages.png(300, 300);
        Map<String, byte[]> files = Map.of(
                "svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(StandardCharsets.UTF_8),
                "unsupported", "a text file renamed to picture.png".getBytes(StandardCharsets.UTF_8),
                "tooLarge", Arrays.copyOf(png, 2 * 1024 * 1024),
                "broken", Arrays.copyOf(png, png.length - 20),
                "empty", new byte[0]);
        Map<String, String[]> texts = Map.of(
                "svg", new String[] {"SVG images are not accepted", "不接受 SVG 图片"},
                "unsupported", new String[] {"This file is not a PNG, JPEG, GIF or WebP image", "这个文件不是 PNG、JPEG、GIF 或 WebP 图片"},
                "tooLarge", new String[] {"The image is larger than 1 MB", "图片超过 1 MB"},
                "broken", new String[] {"This image is damaged or incomplete", "图片已损坏或不完整"},
                "empty", new String[] {"Choose an image file first", "请先选择一个图片文件"});
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            ShopClient.Response refused = owner.postMultipart("/admin/products/PIC/image?_csrf=" + token, Map.of(), "image",
                    "picture.png", file.getValue());
            String location = StorefrontForms.header(refused, "Location");
            assertThat(location).as(file.getKey()).endsWith("/admin/products/PIC?imageError=" + file.getKey() + "#image");
            String path = location.substring(location.indexOf("/admin"), location.indexOf('#'));
            assertThat(owner.get(path + "&lang=en", null).body()).as(file.getKey()).contains(texts.get(file.getKey())[0]);
            assertThat(owner.get(path + "&lang=zh-CN", null).body()).as(file.getKey()).contains(texts.get(file.getKey())[1]);
        }
        // a code that the server did not send shows nothing
        assertThat(owner.get("/admin/products/PIC?imageError=%3Cscript%3E&lang=en", null).body())
                .doesNotContain("&lt;script&gt;", "images.error");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action LIKE '%image%'", Long.class)).isZero();
    }

    @Test
    void aFormWithoutItsTokenOrFromASupportUserChangesNothing() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.93");
        byte[] png = TestImages.png(20, 20);
        assertThat(owner.postMultipart("/admin/products/PIC/image", Map.of(), "image", "a.png", png).status()).isEqualTo(403);
        assertThat(owner.postMultipart("/admin/shop/logo", Map.of(), "image", "a.png", png).status()).isEqualTo(403);
        assertThat(owner.post("/admin/shop/logo/remove", Map.of()).status()).isEqualTo(403);

        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.94");
        assertThat(support.get("/admin/shop/logo", "en").status()).isEqualTo(403);
        String token = StorefrontForms.csrfToken(support.get("/admin/shop/logo", "en"));
        assertThat(support.postMultipart("/admin/shop/logo?_csrf=" + token, Map.of(), "image", "a.png", png).status()).isEqualTo(403);
        assertThat(support.postMultipart("/admin/products/PIC/image?_csrf=" + token, Map.of(), "image", "a.png", png).status())
                .isEqualTo(403);
        ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.95").get("/admin/shop/logo", "en");
        assertThat(StorefrontForms.header(anonymous, "Location")).endsWith("/admin/login");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM stored_image", Long.class)).isZero();
    }

    @Test
    void theLogoPageSetsTheStorefrontsLogoAndRemovesIt() {
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.96");
        ShopClient.Response page = owner.get("/admin/shop/logo", "en");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Shop logo", "No logo yet", "href=\"/admin/shop\" aria-current=\"page\"");
        assertThat(owner.get("/admin/shop/logo?lang=zh-CN", null).body()).contains("店铺 Logo", "还没有 Logo");

        byte[] jpeg = TestImages.encode(TestImages.picture(200, 60, java.awt.Color.ORANGE, java.awt.Color.RED, null), "jpeg");
        ShopClient.Response saved = owner.postMultipart("/admin/shop/logo?_csrf=" + StorefrontForms.csrfToken(page), Map.of(),
                "image", "logo.jpg", jpeg);
        assertThat(StorefrontForms.header(saved, "Location")).endsWith("/admin/shop/logo?saved");
        String version = jdbc.queryForObject("SELECT sha256 FROM stored_image WHERE slot = 'shop:logo'", String.class).substring(0, 16);
        ShopClient.Response shown = owner.get("/admin/shop/logo?saved&lang=en", null);
        assertThat(shown.body()).contains("Logo saved", "src=\"/images/shop/logo?v=" + version + "\"", "JPEG, ", "200 × 60 pixels");
        assertThat(new StorefrontForms(port, null).get("/", "en").body()).contains("<img class=\"logo\" src=\"/images/shop/logo?v=" + version);

        ShopClient.Response refused = owner.postMultipart("/admin/shop/logo?_csrf=" + StorefrontForms.csrfToken(shown), Map.of(),
                "image", "logo.svg", "<svg/>".getBytes(StandardCharsets.UTF_8));
        assertThat(StorefrontForms.header(refused, "Location")).endsWith("/admin/shop/logo?error=svg");
        assertThat(owner.get("/admin/shop/logo?error=svg&lang=en", null).body()).contains("SVG images are not accepted");

        ShopClient.Response removed = owner.post("/admin/shop/logo/remove", Map.of("_csrf", StorefrontForms.csrfToken(shown)));
        assertThat(StorefrontForms.header(removed, "Location")).endsWith("/admin/shop/logo?removed");
        assertThat(new StorefrontForms(port, null).get("/", "en").body()).doesNotContain("class=\"logo\"");
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action FROM audit_event WHERE action LIKE 'shop.logo%' ORDER BY id",
                String.class)).containsExactly("admin shop.logo.set", "admin shop.logo.remove");
    }
}
