package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/**
 * The back office's order page says how the amount came about: quantity × the unit price sold at (the tier reached,
 * with the list price beside it), the coupon and its discount, and the amount paid (or to pay), in English and Chinese.
 */
class BackOfficeOrderPriceTest extends IntegrationTest {

    @Test
    void theOrderPageShowsTheTierTheCouponTheDiscountAndTheAmountPaid() {
        ShopClient shop = shop();
        ShopClient.Response product = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "BO-PRICE", "name", "Priced", "price", "10.00", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 2, "unitPrice", "9.00")))));
        assertThat(product.status()).as(product.body()).isEqualTo(201);
        assertThat(shop.generateKeys("BO-PRICE", 5).status()).isEqualTo(200);
        assertThat(shop.admin("POST", "/api/admin/coupons", "application/json",
                ShopClient.json(Map.of("code", "SALE20", "percentOff", 20))).status()).isEqualTo(201);

        ShopClient.Response placed = shop.send("POST", "/api/orders", "application/json", ShopClient.json(Map.of(
                "sku", "BO-PRICE", "quantity", 2, "email", "ann@example.com", "channel", "sandbox", "coupon", "sale20")),
                Map.of());
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String orderNo = placed.json().get("orderNo").asText();
        Shop.PlacedOrder unpaid = Shop.order(shop, "BO-PRICE", 1, "bob@example.com");

        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.150");
        String due = owner.get("/admin/orders/" + orderNo, "en").body();
        assertThat(due).contains("Amount to pay").doesNotContain("Amount paid");

        assertThat(Shop.pay(shop, new Shop.PlacedOrder(orderNo, placed.json().get("accessToken").asText(), "14.40", "CNY"),
                "T-BO-PRICE").body()).isEqualTo("success");
        awaitDelivered(orderNo);

        String en = owner.get("/admin/orders/" + orderNo + "?lang=en", null).body();
        assertThat(en).contains("<dt>Price</dt>", "2 × CN¥9.00 = CN¥18.00", "(list price now CN¥10.00)",
                "<dt>Coupon</dt>", "href=\"/admin/coupons/SALE20\"", "-CN¥3.60", "<dt>Amount paid</dt>",
                "<dd id=\"order-amount\">CN¥14.40</dd>").doesNotContain("ann@example.com");
        String zh = owner.get("/admin/orders/" + orderNo + "?lang=zh-CN", null).body();
        assertThat(zh).contains("<dt>价格</dt>", "2 × ¥9.00 = ¥18.00", "（当前标价 ¥10.00）", "<dt>优惠码</dt>", "-¥3.60",
                "<dt>实付金额</dt>", "<dd id=\"order-amount\">¥14.40</dd>");

        String plain = owner.get("/admin/orders/" + unpaid.orderNo(), null).body();
        assertThat(plain).contains("1 × ¥10.00 = ¥10.00", "<dt>应付金额</dt>", "¥10.00")
                .doesNotContain("<dt>优惠码</dt>", "当前标价", "id=\"order-coupon\"");
    }
}
