package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The product page's "Fulfilled by hand" form: the owner and staff set kind and fields, wrong ones come back refused. */
class BackOfficeProductKindTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
    }

    @Test
    void staffMakeAProductFulfilledByHandWithFieldsAndAWrongPatternIsRefused() {
        Shop.productWithKeys(shop(), "TOPUP", "30.00", 0);
        StorefrontForms staff = BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF,
                BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.90");
        ShopClient.Response page = staff.get("/admin/products/TOPUP", "zh-CN");
        assertThat(page.body()).contains("id=\"byhand\"", "name=\"f0.key\"");
        String token = StorefrontForms.csrfToken(page);

        Map<String, String> form = new LinkedHashMap<>();
        form.put("_csrf", token);
        form.put("kind", "BY_HAND");
        form.put("f0.key", "account");
        form.put("f0.labelEn", "Game account id");
        form.put("f0.labelZh", "游戏账号");
        form.put("f0.required", "true");
        form.put("f0.pattern", "([0-9");
        form.put("f0.maxLength", "12");
        ShopClient.Response refused = staff.post("/admin/products/TOPUP/kind", form);
        assertThat(refused.status()).isEqualTo(302);
        String location = URLDecoder.decode(StorefrontForms.header(refused, "Location"), StandardCharsets.UTF_8);
        assertThat(location).contains("kindError=inputFields[0].pattern is not a valid Java regular expression");
        assertThat(jdbc.queryForObject("SELECT kind FROM product WHERE sku = 'TOPUP'", String.class)).isEqualTo("KEYS");

        form.put("f0.pattern", "[0-9]{5,12}");
        form.put("f1.key", "server");
        form.put("f1.labelEn", "Server");
        form.put("f1.maxLength", "40");
        ShopClient.Response saved = staff.post("/admin/products/TOPUP/kind", form);
        assertThat(saved.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(saved, "Location")).contains("kindSaved");
        assertThat(jdbc.queryForObject("SELECT kind FROM product WHERE sku = 'TOPUP'", String.class)).isEqualTo("BY_HAND");
        var product = shop().admin("GET", "/api/admin/products/TOPUP", null, null).json();
        assertThat(product.get("inputFields")).hasSize(2);
        assertThat(product.get("inputFields").get(0).get("pattern").asText()).isEqualTo("[0-9]{5,12}");
        assertThat(product.get("inputFields").get(1).get("required").asBoolean()).isFalse();
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'product.kind'", String.class))
                .isEqualTo(BackOfficeAccessTest.STAFF);
        ShopClient.Response shown = staff.get("/admin/products/TOPUP", "en");
        assertThat(shown.body()).contains("value=\"account\"", "value=\"游戏账号\"", "value=\"[0-9]{5,12}\"");
    }

    @Test
    void supportMayNotAndAFormWithoutItsTokenIsRefused() {
        Shop.productWithKeys(shop(), "TOPUP", "30.00", 0);
        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.91");
        String token = StorefrontForms.csrfToken(support.get("/admin/products", "en"));
        assertThat(support.post("/admin/products/TOPUP/kind", Map.of("_csrf", token, "kind", "BY_HAND")).status()).isEqualTo(403);
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD, "203.0.113.92");
        assertThat(owner.post("/admin/products/TOPUP/kind", Map.of("kind", "BY_HAND")).status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT kind FROM product WHERE sku = 'TOPUP'", String.class)).isEqualTo("KEYS");
    }
}
