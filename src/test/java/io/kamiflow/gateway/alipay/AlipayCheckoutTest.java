package io.kamiflow.gateway.alipay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.alipay.api.internal.util.AlipaySignature;
import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;

/** Checkout answers a signed alipay.trade.page.pay URL; the official SDK verifies it as Alipay's gateway would. */
class AlipayCheckoutTest extends IntegrationTest {

    @Test
    void payUrlIsSignedWithTheMerchantKey() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "ALI", "12.50", 3);

        ShopClient.Response response = shop.createOrder("ALI", 2, "ali@example.com", "alipay");

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        URI url = URI.create(response.json().get("payment").get("payUrl").asText());
        assertThat(url.getPath()).isEqualTo("/alipay/gateway.do");
        Map<String, String> params = new HashMap<>();
        UriComponentsBuilder.fromUri(url).build(true).getQueryParams().forEach((k, v) ->
                params.put(k, URLDecoder.decode(v.get(0), StandardCharsets.UTF_8)));
        assertThat(params).containsEntry("app_id", TestGatewayKeys.ALIPAY_APP_ID)
                .containsEntry("method", "alipay.trade.page.pay").containsEntry("sign_type", "RSA2")
                .containsEntry("notify_url", "https://shop.example/api/payments/alipay/notify");
        // V2: the gateway checks requests over every parameter but sign, sign_type included
        assertThat(AlipaySignature.rsaCheckV2(params,
                TestGatewayKeys.base64(TestGatewayKeys.ALIPAY_MERCHANT.getPublic().getEncoded()), "utf-8", "RSA2")).isTrue();
        JsonNode biz = new ShopClient.Response(200, params.get("biz_content"), "").json();
        assertThat(biz.get("out_trade_no").asText()).isEqualTo(response.json().get("orderNo").asText());
        assertThat(biz.get("total_amount").asText()).isEqualTo("25.00");
        assertThat(biz.get("product_code").asText()).isEqualTo("FAST_INSTANT_TRADE_PAY");
        // the order's own deadline (created_at + order-ttl), in Beijing time as Alipay reads it
        java.time.OffsetDateTime created = jdbc.queryForObject("SELECT created_at FROM customer_order WHERE order_no = ?",
                java.time.OffsetDateTime.class, response.json().get("orderNo").asText());
        assertThat(biz.get("time_expire").asText()).isEqualTo(created.plusMinutes(15)
                .atZoneSameInstant(java.time.ZoneId.of("Asia/Shanghai"))
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
    }

    @Test
    void disabledWithoutSettings() {
        AlipayProperties none = new AlipayProperties(null, null, null, null, "https://openapi.alipay.com/gateway.do", null, null);
        AlipayNotifyController disabled = new AlipayNotifyController(none, new AlipayChannel(none, null, null, null), null);
        assertThat(disabled.notify(new org.springframework.util.LinkedMultiValueMap<>()).getStatusCode().value()).isEqualTo(404);
    }
}
