package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.web.PagePolicy;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * The storefront over real HTTP: what its pages show, that its forms need the CSRF token and count against the
 * checkout limit, its headers (strict CSP, no referrer), and that a wrong order link reveals nothing.
 */
class StorefrontPagesTest extends IntegrationTest {

    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern INLINE_STYLE_OR_HANDLER = Pattern.compile("\\s(style|on[a-z]+)=", Pattern.CASE_INSENSITIVE);

    @Value("${kamiflow.rate-limit.checkout.capacity}")
    int checkouts;

    @org.springframework.beans.factory.annotation.Autowired
    org.thymeleaf.spring6.SpringTemplateEngine pages;

    @Test
    void thePagesTemplateEngineReadsRecordsThroughRecordProperties() {
        assertThat(pages.getDialects()).anyMatch(dialect -> dialect instanceof io.kamiflow.web.RecordPropertiesDialect);
    }

    @Test
    void theRootIsTheCatalogueWithPricesStockAndSoldOutInTheBuyersLanguage() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 3);
        Shop.productWithKeys(shop, "GONE", "5.00", 0);
        StorefrontForms browser = new StorefrontForms(port, null);

        ShopClient.Response english = browser.get("/", "en-US,en;q=0.8");
        assertThat(english.status()).isEqualTo(200);
        assertThat(english.contentType()).startsWith("text/html");
        assertThat(english.body()).contains("Product GAME", "CN¥12.50", "3 in stock", "Product GONE", "Sold out");

        ShopClient.Response chinese = new StorefrontForms(port, null).get("/", "zh-CN,zh;q=0.9,en;q=0.5");
        assertThat(chinese.body()).contains("商品", "¥12.50", "库存 3", "已售罄").doesNotContain("Sold out");

        // the switch wins over the header, and sticks
        assertThat(browser.get("/?lang=zh-CN", "en").body()).contains("已售罄");
        assertThat(browser.get("/", "en").body()).contains("已售罄");
    }

    /** Every Chinese variant gets the Chinese shop (Simplified: there is no Traditional bundle), in the buyer's order of preference. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "zh|商品", "zh-CN|商品", "zh-Hans|商品", "zh-Hans-CN|商品", "zh-SG|商品", "zh-TW|商品", "zh-HK|商品", "zh-Hant-TW|商品",
            "zh-TW,zh;q=0.9,en;q=0.8|商品", "en-US,en;q=0.9,zh;q=0.8|Products", "fr-FR,zh;q=0.5|商品", "fr-FR|Products",
            "*|Products", "not a header;;|Products"})
    void anyChineseVariantGetsTheChineseShop(String acceptLanguage, String heading) {
        ShopClient.Response page = new StorefrontForms(port, null).get("/", acceptLanguage);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>" + heading + "</h1>");
    }

    @Test
    void pagesCarryAStrictContentSecurityPolicyAndNoInlineScriptOrStyle() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 3);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "csp@example.com");
        StorefrontForms browser = new StorefrontForms(port, null);
        for (String path : List.of("/", "/products/GAME", "/orders/" + order.orderNo() + "?token=" + order.accessToken())) {
            ShopClient.Response page = browser.get(path, null);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(StorefrontForms.header(page, "Content-Security-Policy")).as(path)
                    .isEqualTo(PagePolicy.CONTENT_SECURITY_POLICY);
            assertThat(StorefrontForms.header(page, "Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(StorefrontForms.header(page, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(INLINE_SCRIPT.matcher(page.body()).find()).as(path + " has an inline script").isFalse();
            assertThat(INLINE_STYLE_OR_HANDLER.matcher(page.body()).find()).as(path + " has inline style or handler").isFalse();
        }
    }

    /** The gateway refused to open the trade: the buyer reads that on the form, not "check your entries". */
    @Test
    void aGatewayThatDoesNotOpenTheTradeIsNamedOnTheFormAndTheKeysStayOnSale() {
        Shop.productWithKeys(shop(), "GAME", "12.50", 2);
        FakeGateway.on("POST", "/stripe/v1/checkout/sessions", request -> new FakeGateway.Reply(500, Map.of(), "down"));
        try {
            StorefrontForms browser = new StorefrontForms(port, null);
            String token = browser.csrfToken("/products/GAME");

            ShopClient.Response refused = browser.post("/products/GAME/checkout",
                    StorefrontForms.checkoutFields("1", "buyer@example.com", "stripe", token));

            assertThat(refused.status()).isEqualTo(502);
            assertThat(refused.body()).contains("The payment service did not answer").doesNotContain("Check your entries");
            assertThat(jdbc.queryForList("SELECT status FROM customer_order", String.class)).containsExactly("CANCELLED");
            assertThat(shop().stock("GAME").json().get("available").asInt()).isEqualTo(2);
        } finally {
            FakeGateway.reset();
        }
    }

    @Test
    void aCheckoutFormWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        Shop.productWithKeys(shop(), "GAME", "12.50", 3);
        StorefrontForms browser = new StorefrontForms(port, null);
        String token = browser.csrfToken("/products/GAME");

        ShopClient.Response forged = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "victim@example.com", "sandbox", null));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.contentType()).startsWith("application/problem+json");
        assertThat(forged.json().get("detail").asText()).contains("reload the page");
        ShopClient.Response wrongToken = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "victim@example.com", "sandbox", "not-" + token));
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status <> 'AVAILABLE'", Integer.class)).isZero();

        ShopClient.Response placed = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("2", "buyer@example.com", "sandbox", token));
        assertThat(placed.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(placed, "Location")).matches(".*/orders/[^/?]+\\?token=[A-Za-z0-9_-]{43}");
        assertThat(jdbc.queryForObject("SELECT quantity FROM customer_order WHERE buyer_email = 'buyer@example.com'",
                Integer.class)).isEqualTo(2);
    }

    @Test
    void theCsrfTokenIsInAnHttpOnlyLaxCookieNotASessionSoAFormFromOneNodeIsAcceptedByAnother() {
        Shop.productWithKeys(shop(), "GAME", "12.50", 3);
        ShopClient.Response page = new StorefrontForms(port, null).get("/products/GAME", "en");
        List<String> setCookies = StorefrontForms.headers(page, "Set-Cookie");
        String csrfCookie = setCookies.stream().filter(c -> c.startsWith("XSRF-TOKEN=")).findFirst().orElseThrow();
        assertThat(csrfCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/");
        assertThat(setCookies).noneMatch(c -> c.startsWith("JSESSIONID"));
        String cookieValue = csrfCookie.substring("XSRF-TOKEN=".length(), csrfCookie.indexOf(';'));

        // a browser whose next request reaches another node: it carries the cookie and the form, no session
        StorefrontForms elsewhere = new StorefrontForms(port, null).withCookie("XSRF-TOKEN", cookieValue);
        ShopClient.Response placed = elsewhere.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "buyer@example.com", "sandbox", StorefrontForms.csrfToken(page)));
        assertThat(placed.status()).isEqualTo(302);
        // the form's token without its cookie is still refused
        ShopClient.Response noCookie = new StorefrontForms(port, null).post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "other@example.com", "sandbox", StorefrontForms.csrfToken(page)));
        assertThat(noCookie.status()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(1);
    }

    @Test
    void badInputOnTheFormIsExplainedOnThePageAndPlacesNoOrder() {
        Shop.productWithKeys(shop(), "GAME", "12.50", 3);
        StorefrontForms browser = new StorefrontForms(port, null);
        String token = browser.csrfToken("/products/GAME");
        ShopClient.Response badEmail = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "not-an-email", "sandbox", token));
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.body()).contains("Enter a valid email address.");
        ShopClient.Response tooMany = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("4", "buyer@example.com", "sandbox", token));
        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.body()).contains("Not enough keys left");
        ShopClient.Response disabledChannel = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "buyer@example.com", "bitcoin", token));
        assertThat(disabledChannel.status()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    @Test
    void theCheckoutFormCountsAgainstTheCheckoutLimitOfItsAddress() {
        Shop.productWithKeys(shop(), "GAME", "12.50", 3);
        StorefrontForms browser = new StorefrontForms(port, "203.0.113.70");
        String token = browser.csrfToken("/products/GAME");
        for (int i = 0; i < checkouts; i++) {
            assertThat(browser.post("/products/GAME/checkout",
                    StorefrontForms.checkoutFields("1", "bad-email-" + i, "sandbox", token)).status()).isEqualTo(400);
        }
        ShopClient.Response limited = browser.post("/products/GAME/checkout",
                StorefrontForms.checkoutFields("1", "buyer@example.com", "sandbox", token));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.retryAfter()).isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    @Test
    void aWrongOrderLinkShowsNothingAndRevealsNothing() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 3);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "buyer@example.com");
        assertThat(Shop.pay(shop, order, "T-WRONG").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        StorefrontForms browser = new StorefrontForms(port, null);

        for (String path : List.of("/orders/" + order.orderNo() + "?token=" + order.accessToken().substring(1) + "x",
                "/orders/" + order.orderNo(), "/orders/NO-SUCH-ORDER?token=" + order.accessToken())) {
            ShopClient.Response wrong = browser.get(path, "en");
            assertThat(wrong.status()).as(path).isEqualTo(404);
            assertThat(wrong.body()).as(path).contains("Order not found").doesNotContain("class=\"key\"", "Delivered");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal WHERE channel = 'PAGE'", Integer.class)).isZero();

        ShopClient.Response right = browser.get("/orders/" + order.orderNo() + "?token=" + order.accessToken(), "en");
        assertThat(right.status()).isEqualTo(200);
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();
        // the key is in pieces that wrap at its dashes (OrderPageDetails.pieces): its text, without the pieces' markup
        assertThat(right.body().replaceAll("<span class=\"piece\">|</span>|<wbr>", ""))
                .contains("<code class=\"key\">" + key + "</code>", "Delivered.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal WHERE channel = 'PAGE'", Integer.class)).isOne();
    }
}
