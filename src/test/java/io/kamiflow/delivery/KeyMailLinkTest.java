package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/** The key mail carries the order page's link, with the token, under the configured storefront address. */
class KeyMailLinkTest extends IntegrationTest {

    /** kamiflow.storefront.base-url in application-test.yml */
    private static final String BASE = "https://shop.example.test";

    @Test
    void theKeyMailLinksToTheOrderPageWhichOpensWithItsToken() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "MAIL", "3.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "MAIL", 1, "linked@example.com");
        assertThat(Shop.pay(shop, order, "T-MAIL").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("linked@example.com");
        assertThat(mails).hasSize(1);
        String body = GreenMailUtil.getBody(mails[0]).replace("=\r\n", "").replace("=3D", "=");
        String link = BASE + "/orders/" + order.orderNo() + "?token=" + order.accessToken();
        assertThat(body).contains(link);

        Matcher path = Pattern.compile(Pattern.quote(BASE) + "(/orders/[^\\s\"<]+)").matcher(body);
        assertThat(path.find()).isTrue();
        ShopClient.Response page = shop.send("GET", path.group(1), null, null, java.util.Map.of("Accept", "text/html"));
        assertThat(page.status()).isEqualTo(200);
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();
        // the page shows the key in pieces that wrap at its dashes: its text without the pieces' markup
        assertThat(page.body().replaceAll("<span class=\"piece\">|</span>|<wbr>", "")).contains(key);
    }
}
