package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.gateway.wechat.FakeWechatPay;
import io.kamiflow.support.Chromium;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A buyer in a real browser (headless Chromium): from / to the keys on the order page, in Chinese (from the
 * browser's Accept-Language) and in English (through the switch); WeChat's QR code; sold out; a wrong order link;
 * find my order. The sandbox pay
 * button is a dev helper and off in tests, so the gateway's signed callback is sent over HTTP while the page is open.
 */
class StorefrontBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aChineseBuyerPaysWithTheSandboxAndSeesTheKeysOnThePage() {
        Shop.productWithKeys(shop(), "DEMO-KEY", "12.50", 5);
        browser = Chromium.start("zh-CN,zh");
        browser.get(base() + "/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("商品");
        assertThat(browser.findElement(By.cssSelector("li[data-sku='DEMO-KEY']")).getText()).contains("¥12.50", "库存 5");
        Chromium.screenshot(browser, "zh-products");

        buyAndSeeKeys("zh", 2, "zh@example.com", "等待付款", "已发货");
    }

    @Test
    void anEnglishBuyerSwitchesLanguageThenPaysAndSeesTheKeysOnThePage() {
        Shop.productWithKeys(shop(), "DEMO-KEY", "12.50", 5);
        browser = Chromium.start("zh-CN,zh");
        browser.get(base() + "/");
        browser.findElement(By.linkText("English")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), "Products"));
        assertThat(browser.findElement(By.cssSelector("li[data-sku='DEMO-KEY']")).getText()).contains("CN¥12.50", "5 in stock");
        Chromium.screenshot(browser, "en-products");

        buyAndSeeKeys("en", 1, "en@example.com", "Waiting for your payment", "Delivered");
    }

    @Test
    void aSoldOutProductIsShownAsSoldOutAndCannotBeOrdered() {
        Shop.productWithKeys(shop(), "DEMO-KEY", "12.50", 5);
        Shop.productWithKeys(shop(), "GONE", "3.00", 0);
        browser = Chromium.start("en");
        browser.get(base() + "/");
        WebElement gone = browser.findElement(By.cssSelector("li[data-sku='GONE']"));
        assertThat(gone.getAttribute("class")).contains("sold-out");
        assertThat(gone.getText()).contains("Sold out");
        gone.findElement(By.tagName("a")).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("sold-out")));
        assertThat(browser.findElements(By.id("checkout"))).isEmpty();
        Chromium.screenshot(browser, "en-sold-out");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isZero();
    }

    @Test
    void aWrongOrderLinkFindsNothingAndShowsNoKeys() {
        Shop.productWithKeys(shop(), "DEMO-KEY", "12.50", 5);
        Shop.PlacedOrder order = Shop.order(shop(), "DEMO-KEY", 1, "owner@example.com");
        assertThat(Shop.pay(shop(), order, "T-OWNER").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        browser = Chromium.start("en");
        browser.get(base() + OrderLinks.path(order.orderNo(), "guessed-token"));
        assertThat(browser.findElement(By.id("order-not-found")).getText()).isEqualTo("Order not found");
        assertThat(browser.findElements(By.cssSelector("code.key"))).isEmpty();
        Chromium.screenshot(browser, "en-wrong-link");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal WHERE channel = 'PAGE'", Integer.class)).isZero();
    }

    @Test
    void aWechatBuyerSeesTheNativeCodeUrlAsAQrCode() throws Exception {
        String codeUrl = "weixin://wxpay/bizpayurl?pr=kamiflow42";
        FakeGateway.on("POST", FakeWechatPay.NATIVE, request -> FakeWechatPay.signedReply(200, "{\"code_url\":\"" + codeUrl + "\"}"));
        try {
            Shop.productWithKeys(shop(), "DEMO-KEY", "12.50", 5);
            browser = Chromium.start("zh-CN,zh");
            browser.get(base() + "/products/DEMO-KEY");
            browser.findElement(By.id("email")).sendKeys("wx@example.com");
            Chromium.click(browser, browser.findElement(By.id("channel-wechat")));
            Chromium.click(browser, browser.findElement(By.id("buy")));

            WebElement qr = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".qr svg")));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(qr.getScreenshotAs(OutputType.BYTES)));
            int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
            Result decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))));
            assertThat(decoded.getText()).isEqualTo(codeUrl);
            Chromium.screenshot(browser, "zh-wechat");
        } finally {
            FakeGateway.reset();
        }
    }

    @Test
    void aBuyerWhoLostTheLinkGetsItMailedThroughFindMyOrder() throws Exception {
        Shop.productWithKeys(shop(), "DEMO-KEY", "12.50", 5);
        Shop.PlacedOrder order = Shop.order(shop(), "DEMO-KEY", 1, "forgetful@example.com");
        assertThat(Shop.pay(shop(), order, "T-FORGOT").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        TestMail.get().purgeEmailFromAllMailboxes(); // the key mail

        browser = Chromium.start("en");
        browser.get(base() + "/orders/" + order.orderNo());
        browser.findElement(By.id("find-link")).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("orderNo"))).sendKeys(order.orderNo());
        browser.findElement(By.id("email")).sendKeys("forgetful@example.com");
        browser.findElement(By.id("find")).click();
        assertThat(wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("find-sent"))).getText())
                .startsWith("If an order with this number and email exists");
        assertThat(browser.findElements(By.cssSelector("code.key"))).isEmpty();
        Chromium.screenshot(browser, "en-find-order");

        await().atMost(Duration.ofSeconds(10)).until(() -> TestMail.get().getReceivedMessages().length == 1);
        String mail = GreenMailUtil.getBody(TestMail.get().getReceivedMessages()[0]).replace("=\r\n", "").replace("=3D", "=");
        Matcher link = Pattern.compile("https://shop\\.example\\.test(/orders/\\S+)").matcher(mail);
        assertThat(link.find()).as(mail).isTrue();
        browser.get(base() + link.group(1));
        assertThat(browser.findElements(By.cssSelector("#keys code.key"))).hasSize(1);
    }

    /** From the product in the catalogue to the keys on the order page, paying while the page is open. */
    private void buyAndSeeKeys(String language, int quantity, String email, String waiting, String delivered) {
        browser.findElement(By.cssSelector("li[data-sku='DEMO-KEY'] a")).click();
        WebElement quantityField = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("quantity")));
        quantityField.clear();
        quantityField.sendKeys(Integer.toString(quantity));
        browser.findElement(By.id("email")).sendKeys(email);
        WebElement sandbox = browser.findElement(By.id("channel-sandbox"));
        sandbox.click();
        assertThat(sandbox.isSelected()).isTrue();
        Chromium.screenshot(browser, language + "-product");
        Chromium.click(browser, browser.findElement(By.id("buy")));

        wait(30).until(ExpectedConditions.urlContains("/orders/"));
        WebElement page = browser.findElement(By.id("order"));
        String orderNo = page.getAttribute("data-order-no");
        String token = browser.getCurrentUrl().replaceAll(".*[?&]token=([^&]+).*", "$1");
        assertThat(browser.findElement(By.id("status")).getText()).contains(waiting);
        Chromium.screenshot(browser, language + "-pay");

        ShopClient shop = shop();
        JsonNode unpaid = shop.getOrder(orderNo, token).json();
        assertThat(unpaid.get("status").asText()).isEqualTo("PENDING_PAYMENT");
        assertThat(unpaid.get("quantity").asInt()).isEqualTo(quantity);
        Shop.PlacedOrder order = new Shop.PlacedOrder(orderNo, token, unpaid.get("amount").asText(), unpaid.get("currency").asText());
        assertThat(Shop.pay(shop, order, "T-" + language).body()).isEqualTo("success");

        // the open page notices the payment by itself and shows the keys
        List<WebElement> shown = wait(30).until(
                ExpectedConditions.numberOfElementsToBe(By.cssSelector("#keys code.key"), quantity));
        awaitDelivered(orderNo);
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("status")).getText()).contains(delivered);
        List<String> keys = browser.findElements(By.cssSelector("#keys code.key")).stream().map(WebElement::getText).toList();
        JsonNode api = shop.getOrder(orderNo, token).json();
        assertThat(keys).hasSize(quantity).containsExactlyInAnyOrderElementsOf(
                StreamSupport.stream(api.get("keys").spliterator(), false).map(JsonNode::asText).toList());
        assertThat(shown).hasSize(quantity);
        assertThat(browser.findElements(By.cssSelector("#keys button.copy"))).hasSize(quantity);
        Chromium.screenshot(browser, language + "-keys");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key k JOIN customer_order o ON o.id = k.order_id "
                + "WHERE o.order_no = ? AND k.status = 'SOLD' AND k.revealed_at IS NOT NULL", Integer.class, orderNo))
                .isEqualTo(quantity);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isOne();
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
