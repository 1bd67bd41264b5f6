package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SecurityTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    @Test
    void adminApiNeedsAnAdminOfTheCamundaIdentityService() {
        ShopClient shop = shop();
        ShopClient.Response anonymous = shop.send("GET", "/api/admin/products/ANY/stock", null, null, Map.of());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");

        SupportDesk.ensureUser(identity, "clerk", "clerk-password", null); // in no kamiflow group
        assertThat(shop.send("GET", "/api/admin/products/ANY/stock", null, null, basic("clerk", "clerk-password")).status())
                .isEqualTo(403);
        // a wrong password is refused (and Camunda throttles further attempts for that user, so not the admin here)
        assertThat(shop.send("GET", "/api/admin/products/ANY/stock", null, null, basic("clerk", "wrong-password")).status())
                .isEqualTo(401);
        assertThat(shop.admin("GET", "/api/admin/products/ANY/stock", null, null).status()).isEqualTo(404);
    }

    @Test
    void engineRestNeedsAuthentication() {
        ShopClient shop = shop();
        assertThat(shop.send("GET", "/engine-rest/process-definition", null, null, Map.of()).status()).isEqualTo(401);
        ShopClient.Response authenticated = shop.send("GET", "/engine-rest/process-definition?key=order-fulfillment",
                null, null, basic(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD));
        assertThat(authenticated.status()).isEqualTo(200);
        assertThat(authenticated.body()).contains("\"key\":\"order-fulfillment\"");
    }

    @Test
    void webappApisNeedALogin() {
        ShopClient.Response cockpitApi = shop().send("GET",
                "/camunda/api/cockpit/plugin/base/default/process-definition/statistics", null, null, Map.of());
        assertThat(cockpitApi.status()).isIn(401, 403);
    }

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
