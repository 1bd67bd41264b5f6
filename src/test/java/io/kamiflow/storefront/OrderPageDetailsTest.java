package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamiflow.gateway.wechat.FakeWechatPay;
import io.kamiflow.ordering.OrderExpiryService;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The order page over HTTP, as a browser without JavaScript gets it: the order time and the pay deadline (from the
 * server's clock), the channel with its logo, the pay details again on every reload while unpaid, and an expired order
 * with "buy again" (same product and quantity) and without the mail hint. Keys wrap only between their dash pieces.
 */
class OrderPageDetailsTest extends IntegrationTest {

    private static final Pattern SECONDS_LEFT = Pattern.compile("data-seconds-left=\"(\\d+)\"");

    @Autowired
    OrderExpiryService expiry;

    @Test
    void anUnpaidOrderShowsItsDeadlineAndItsQrCodeAgainOnEveryReloadThenExpiresWithBuyAgain() {
        FakeWechatPay.install();
        try {
            Shop.productWithKeys(shop(), "GAME", "12.50", 5);
            StorefrontForms browser = new StorefrontForms(port, "203.0.113.95");
            ShopClient.Response placed = browser.post("/products/GAME/checkout", Map.of("quantity", "3",
                    "email", "pay@example.com", "channel", "wechat", "_csrf", browser.csrfToken("/products/GAME")));
            assertThat(placed.status()).as(placed.body()).isEqualTo(302);
            String page = StorefrontForms.header(placed, "Location").replaceAll("^https?://[^/]+", "");

            ShopClient.Response first = browser.get(page, "en");
            ShopClient.Response reload = browser.get(page, "en");
            for (ShopClient.Response shown : List.of(first, reload)) {
                assertThat(shown.status()).isEqualTo(200);
                assertThat(shown.body()).contains("class=\"qr\"", "<path fill=\"#000\" d=\"M", "Pay before", " UTC</time>",
                        "/img/channels/wechat.svg", "WeChat Pay", "id=\"placed\"");
                Matcher left = SECONDS_LEFT.matcher(shown.body());
                assertThat(left.find()).isTrue();
                assertThat(Integer.parseInt(left.group(1))).as("15 minutes by the server's clock").isBetween(14 * 60, 15 * 60);
            }
            assertThat(qrPath(first.body())).isEqualTo(qrPath(reload.body()));
            assertThat(jdbc.queryForObject("SELECT code_url FROM order_pay_details", String.class)).startsWith("weixin://");
            assertThat(shop().send("GET", "/img/channels/wechat.svg", null, null, Map.of()).contentType()).startsWith("image/svg+xml");

            expiry.expireCreatedBefore(Instant.now().plusSeconds(1));
            ShopClient.Response expired = browser.get(page, "en");
            assertThat(expired.body()).contains("Expired", "id=\"buy-again\"", "href=\"/products/GAME?quantity=3\"")
                    .doesNotContain("class=\"qr\"", "Pay before", "id=\"bookmark-hint\"", "in your key mail");
            ShopClient.Response again = browser.get("/products/GAME?quantity=3", "en");
            assertThat(again.body()).containsPattern("id=\"quantity\"[^>]*value=\"3\"");
        } finally {
            FakeGateway.reset();
        }
    }

    @Test
    void keysArePiecesEndingAtDashesAndNoPieceIsOneOrTwoCharactersAlone() {
        assertThat(OrderPageDetails.pieces("ABCD-EFGH-IJKL")).containsExactly("ABCD-", "EFGH-", "IJKL");
        assertThat(OrderPageDetails.pieces("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")).hasSize(1);
        assertThat(OrderPageDetails.pieces("ABCD-EFGH-I")).containsExactly("ABCD-", "EFGH-I");
        assertThat(OrderPageDetails.pieces("A-BCDE-FGHI")).containsExactly("A-BCDE-", "FGHI");
        assertThat(String.join("", OrderPageDetails.pieces("--AB--CD-"))).isEqualTo("--AB--CD-");
    }

    private static String qrPath(String page) {
        Matcher path = Pattern.compile("<path fill=\"#000\" d=\"([^\"]+)\"").matcher(page);
        assertThat(path.find()).isTrue();
        return path.group(1);
    }
}
