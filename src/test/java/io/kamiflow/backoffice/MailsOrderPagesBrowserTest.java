package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.kamiflow.delivery.OrderLinkMail;
import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The owner in a real browser, in Chinese and English, on a desktop and a phone: the Orders list flags the order
 * waiting for support, and an order whose key mail failed, was retried, delivered, resent and whose link was mailed
 * tells all of it in the page's language; its key mail fits a phone. Screenshots mails-orders-*, mails-attention-*,
 * mails-order-*, mails-timeline-*, mails-keymail-*.
 */
class MailsOrderPagesBrowserTest extends IntegrationTest {

    @Autowired
    private OrderLinkMail linkMail;

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        TestMail.start();
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop, so each page is seen in both languages and at both sizes
     * (the setup, a failed and retried key mail, is the slow part). The phone's window is also widened to a desktop's
     * for the order's timeline, whose Chinese desktop picture docs/operations.md shows.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource(delimiter = '|', value = {
            "zh-CN | 390  | 844 | 1 个待处理任务 | 第 1 次发送卡密邮件：暂未发出 | （重发） | 订单页链接",
            "en    | 1400 | 900 | 1 open task | Delivery attempt 1: key mail not sent yet | (a resend) | the link to the order page"})
    void theOwnerSeesWhatNeedsAttentionAndEveryMailOfAnOrder(String language, int width, int height, String flag,
                                                             String failed, String resent, String linkMail) throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME-CARD", "12.50", 3);
        jdbc.update("UPDATE product SET name_zh = '游戏充值卡', usage_notes_en = ?, usage_notes_zh = ? WHERE sku = 'GAME-CARD'",
                "1. Open **example.com/redeem**\n2. Paste the key and confirm", "1. 打开 **example.com/redeem**\n2. 粘贴卡密并确认");
        Shop.PlacedOrder order = Shop.order(shop, "GAME-CARD", 1, "reader@example.com");
        jdbc.update("UPDATE customer_order SET language = ? WHERE order_no = ?", language.startsWith("zh") ? "zh-CN" : "en",
                order.orderNo());
        TestMail.stop();
        assertThat(Shop.pay(shop, order, "T-MAILS-1").body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM delivery_attempt WHERE outcome = 'FAILED_TRANSIENT'", Integer.class) >= 1);
        TestMail.start();
        awaitDelivered(order.orderNo());
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/resend", null, null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class) == 2);
        awaitDelivered(order.orderNo());
        assertThat(this.linkMail.resend(order.orderNo(), "reader@example.com")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT count(*) FROM buyer_mail", Integer.class) == 1);
        Shop.PlacedOrder stuck = Shop.order(shop, "GAME-CARD", 1, "stuck@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(stuck.orderNo(), "T-MAILS-2", "1.00", "CNY")); // too little: Review payment
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(stuck.orderNo()).count() == 1);

        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        browser = Chromium.start(language, width, height);
        browser.get(base() + "/admin/orders?lang=" + language);
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.orders")));
        browser.get(base() + "/admin/orders?lang=" + language);
        assertThat(browser.findElement(By.cssSelector("tr.mails-attention")).getText()).contains(stuck.orderNo(), flag);
        Chromium.screenshot(browser, "mails-orders-" + lang + "-" + size);

        browser.findElement(By.name("needsAttention")).click();
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlContains("needsAttention=true"));
        assertThat(browser.findElement(By.cssSelector("table.orders tbody")).getText()).contains(stuck.orderNo())
                .doesNotContain(order.orderNo());

        browser.get(base() + "/admin/orders/" + stuck.orderNo());
        assertThat(browser.findElement(By.cssSelector(".mails-attention-banner")).getText()).contains(flag);
        Chromium.screenshot(browser, "mails-attention-" + lang + "-" + size);

        browser.get(base() + "/admin/orders/" + order.orderNo());
        String timeline = browser.findElement(By.cssSelector("ol.timeline")).getText();
        assertThat(timeline).contains(failed, resent, linkMail).doesNotContain("FAILED_TRANSIENT", "ORDER_LINK",
                "reader@example.com");
        Chromium.screenshot(browser, "mails-order-" + lang + "-" + size);
        ((JavascriptExecutor) browser).executeScript(
                "document.querySelector('li.kind-DELIVERY_ATTEMPT').scrollIntoView()");
        Chromium.screenshot(browser, "mails-timeline-" + lang + "-" + size);
        if (size.equals("phone")) {
            Chromium.resize(browser, 1400, 900);
            browser.navigate().refresh();
            assertThat(browser.findElement(By.cssSelector("ol.timeline")).getText()).contains(failed, resent, linkMail);
            assertThat((Boolean) ((JavascriptExecutor) browser).executeScript(
                    "return window.innerWidth > 1000")).as("widened to a desktop's width").isTrue();
            ((JavascriptExecutor) browser).executeScript(
                    "document.querySelector('li.kind-DELIVERY_ATTEMPT').scrollIntoView()");
            Chromium.screenshot(browser, "mails-timeline-" + lang + "-desktop");
            Chromium.resize(browser, width, height);
        }

        // the key mail as the buyer's mail client shows it: the keys in one block that fits the screen
        Path mail = Files.createTempFile("kamiflow-key-mail", ".html");
        Files.writeString(mail, html(TestMail.get().getReceivedMessagesForDomain("reader@example.com")[0]));
        browser.get(mail.toUri().toString());
        assertThat(browser.findElement(By.tagName("body")).getText()).contains(lang.equals("zh") ? "游戏充值卡" : "GAME-CARD");
        assertThat((Boolean) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth")).as("no sideways scrolling").isTrue();
        Chromium.screenshot(browser, "mails-keymail-" + lang + "-" + size);
        Files.delete(mail);
    }

    /** The HTML part of a mail. */
    private static String html(Part part) throws Exception {
        if (part.isMimeType("text/html")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String html = html(multipart.getBodyPart(i));
                if (html != null) {
                    return html;
                }
            }
        }
        return null;
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
