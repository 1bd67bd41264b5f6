package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.HandProducts;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TasklistForms;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A buyer orders a product fulfilled by hand with its fields in a real browser (zh and en, desktop and 390x844), support
 * completes Fulfil by hand in Tasklist (zh: an account picked from the product's stock with a text) or through the engine
 * REST (en: keys only, refused while the stock is empty), and the buyer sees the delivery on the order page.
 * Screenshots byhand-*.
 */
class HandFulfilmentBrowserTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    private WebDriver browser;
    private WebDriver support;

    @AfterEach
    void closeBrowsers() {
        for (WebDriver driver : new WebDriver[] {browser, support}) {
            if (driver != null) {
                driver.quit();
            }
        }
    }

    @Test
    void aChineseBuyerGetsATopUpThatSupportFulfilsInTasklist() throws Exception {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop(), "TOPUP", "30.00");
        assertThat(shop().importKeys("TOPUP", "ACCT-ZH01-7788-PW99").status()).isEqualTo(200); // an account in stock
        browser = Chromium.start("zh-CN,zh", 1400, 900);
        String orderPath = buy("zh", "zh-topup@example.com", "123456789", "等待付款");
        Shop.PlacedOrder order = pay(orderPath);
        browser.navigate().refresh();
        assertThat(text("status")).contains("客服正在根据您填写的信息处理订单");
        Chromium.screenshot(browser, "byhand-zh-paid");

        support = Chromium.desktop();
        support.get("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/");
        WebElement login = wait(support, 60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form[name=signinForm]")));
        login.findElement(By.cssSelector("input[type=text]")).sendKeys(SupportDesk.USER);
        login.findElement(By.cssSelector("input[type=password]")).sendKeys(SupportDesk.PASSWORD);
        login.findElement(By.cssSelector("button[type=submit]")).click();
        wait(support, 90).until(ExpectedConditions.elementToBeClickable(
                By.partialLinkText("Fulfil by hand for order " + order.orderNo()))).click();
        wait(support, 20).until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Claim']"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> SupportDesk.USER.equals(
                engine.getTaskService().createTaskQuery().singleResult().getAssignee()));
        wait(support, 30).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//label[contains(normalize-space(),'Deliver keys from this product')]")));
        wait(support, 30).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "30.00 CNY"));
        assertThat(support.findElement(By.tagName("body")).getText())
                .contains("30.00 CNY", "sandbox", "T-" + order.orderNo(), "Product TOPUP (TOPUP)", "The stock covers this order")
                .doesNotContain("Not enough keys", "{{");
        assertThat(support.findElement(By.xpath("//label[contains(normalize-space(),'What the buyer entered')]/following::textarea[1]"))
                .getAttribute("value")).contains("Game account id / 游戏账号: 123456789", "Server / 服务器: Asia-1");
        TasklistForms.complete(support, "byhand-tasklist", () -> {
            js(support, "arguments[0].click()", support.findElement(
                    By.xpath("//label[contains(normalize-space(),'Deliver keys from this product')]")));
            TasklistForms.type(support, "What the buyer receives", "首次登录后请修改密码");
            TasklistForms.type(support, "Note for the order", "account from stock");
            Chromium.screenshot(support, "byhand-tasklist");
        }, () -> "DELIVERED".equals(orderStatus(order.orderNo())));
        browser.navigate().refresh();
        assertThat(text("status")).contains("已完成");
        assertThat(text("keys")).contains("ACCT-ZH01-7788-PW99");
        assertThat(text("delivery-text")).isEqualTo("首次登录后请修改密码");
        Chromium.screenshot(browser, "byhand-zh-delivered");
        phone("zh-CN,zh", orderPath, "byhand-zh-phone-delivered");

        await().atMost(Duration.ofSeconds(30)).until(() -> TestMail.get().getReceivedMessagesForDomain("zh-topup@example.com").length == 1);
        MimeMessage mail = TestMail.get().getReceivedMessagesForDomain("zh-topup@example.com")[0];
        assertThat(mail.getSubject()).contains("已发货");
        assertThat(TestMail.part(mail, "text/plain")).contains("ACCT-ZH01-7788-PW99", "首次登录后请修改密码");
        assertThat(TestMail.part(mail, "text/html")).contains("ACCT-<wbr>ZH01-<wbr>7788-<wbr>PW99", "首次登录后请修改密码",
                "lang=\"zh-CN\"");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_reveal WHERE channel = 'HAND'", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo(SupportDesk.USER);
    }

    @Test
    void anEnglishBuyerOnAPhoneFillsTheFieldsAndSeesTheDelivery() {
        SupportDesk.ensureUser(identity);
        HandProducts.product(shop(), "TOPUP", "30.00");
        browser = Chromium.start("en-US,en", 390, 844);
        browser.get(base() + "/products/TOPUP");
        browser.findElement(By.id("email")).sendKeys("en-topup@example.com");
        browser.findElement(By.id("field_account")).sendKeys("12ab");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        Chromium.click(browser, browser.findElement(By.id("buy")));
        WebElement error = wait(browser, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("checkout-error")));
        assertThat(error.getText()).contains("Game account id");
        Chromium.screenshot(browser, "byhand-en-phone-refused");
        WebElement account = browser.findElement(By.id("field_account"));
        account.clear();
        String orderPath = buy("en", "en-topup@example.com", "987654321", "Waiting for your payment");
        Shop.PlacedOrder order = pay(orderPath);

        Task task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order.orderNo()).singleResult();
        ShopClient.Response done = SupportDesk.rest(shop(), "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                "{\"variables\":{\"handAction\":{\"value\":\"deliverKeys\"}}}");
        assertThat(done.status()).as("no key in stock: keys are not offered, refused, nothing delivered").isEqualTo(400);
        assertThat(done.body()).contains("handAction is not offered in this task's situation");
        assertThat(orderStatus(order.orderNo())).isEqualTo("PAID");
        assertThat(shop().importKeys("TOPUP", "player-77:Pa55-word-2026").status()).isEqualTo(200);
        // the open task learns of the new stock from the restock's own thread, just after the import's commit
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(
                engine.getTaskService().getVariableLocal(task.getId(), "keysEnough")));
        done = SupportDesk.rest(shop(), "POST", "/engine-rest/task/" + task.getId() + "/submit-form",
                "{\"variables\":{\"handAction\":{\"value\":\"deliverKeys\"}}}");
        assertThat(done.status()).as(done.body()).isEqualTo(204);
        browser.navigate().refresh();
        assertThat(text("status")).contains("Fulfilled");
        assertThat(text("keys")).contains("player-77:Pa55-word-2026");
        assertThat(browser.findElements(By.id("delivery-text"))).isEmpty();
        Chromium.screenshot(browser, "byhand-en-phone-delivered");
        browser.quit();
        browser = Chromium.start("en-US,en", 1400, 900);
        browser.get(base() + orderPath);
        assertThat(text("keys")).contains("player-77");
        Chromium.screenshot(browser, "byhand-en-delivered");
    }

    @Test
    void theOwnerMakesAProductFulfilledByHandInTheBackOffice() {
        Shop.productWithKeys(shop(), "TOPUP", "30.00", 0);
        for (String language : new String[] {"zh-CN,zh", "en-US,en"}) {
            boolean zh = language.startsWith("zh");
            browser = Chromium.start(language, zh ? 1400 : 390, zh ? 900 : 844);
            browser.get(base() + "/admin/products/TOPUP");
            browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
            browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
            browser.findElement(By.cssSelector("main form button[type=submit]")).click();
            WebElement panel = wait(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("byhand")));
            if (zh) {
                new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("kind"))).selectByValue("BY_HAND");
                browser.findElement(By.name("f0.key")).sendKeys("account");
                browser.findElement(By.name("f0.labelEn")).sendKeys("Game account id");
                browser.findElement(By.name("f0.labelZh")).sendKeys("游戏账号");
                browser.findElement(By.name("f0.required")).click();
                browser.findElement(By.name("f0.pattern")).sendKeys("[0-9]{5,12}");
                WebElement max = browser.findElement(By.name("f0.maxLength"));
                max.clear();
                max.sendKeys("12");
                js(browser, "arguments[0].click()", browser.findElement(By.id("kind-save")));
                wait(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("kind-saved")));
                panel = browser.findElement(By.id("byhand"));
            }
            js(browser, "arguments[0].scrollIntoView()", panel);
            assertThat(browser.findElement(By.name("f0.key")).getAttribute("value")).isEqualTo("account");
            Chromium.screenshot(browser, "byhand-admin-" + (zh ? "zh-desktop" : "en-phone"));
            browser.quit();
            browser = null;
        }
        assertThat(jdbc.queryForObject("SELECT kind FROM product WHERE sku = 'TOPUP'", String.class)).isEqualTo("BY_HAND");
    }

    /** Fills the product page's form (the page open or opened now) and buys; the order page's path with its token. */
    private String buy(String language, String email, String account, String waiting) {
        if (!browser.getCurrentUrl().contains("/products/TOPUP")) {
            browser.get(base() + "/products/TOPUP");
        }
        WebElement emailField = wait(browser, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("email")));
        emailField.clear();
        emailField.sendKeys(email);
        browser.findElement(By.id("field_account")).sendKeys(account);
        browser.findElement(By.id("field_server")).sendKeys("Asia-1");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        Chromium.screenshot(browser, "byhand-" + language + (language.equals("zh") ? "-product" : "-phone-product"));
        Chromium.click(browser, browser.findElement(By.id("buy")));
        wait(browser, 30).until(ExpectedConditions.urlContains("/orders/"));
        assertThat(text("status")).contains(waiting);
        return browser.getCurrentUrl().replaceFirst("^https?://[^/]+", "");
    }

    private Shop.PlacedOrder pay(String orderPath) {
        String orderNo = orderPath.replaceFirst("^/orders/([^?]+).*", "$1");
        String token = orderPath.replaceFirst(".*token=", "");
        Shop.PlacedOrder order = new Shop.PlacedOrder(orderNo, token, "30.00", "CNY");
        assertThat(Shop.pay(shop(), order, "T-" + orderNo).body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(orderNo).count() == 1);
        return order;
    }

    private void phone(String language, String path, String screenshot) {
        WebDriver phone = Chromium.start(language, 390, 844);
        try {
            phone.get(base() + path);
            assertThat(phone.findElement(By.id("keys")).isDisplayed()).isTrue();
            Chromium.screenshot(phone, screenshot);
        } finally {
            phone.quit();
        }
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static WebDriverWait wait(WebDriver driver, int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }

    private static void js(WebDriver driver, String script, WebElement element) {
        ((JavascriptExecutor) driver).executeScript(script, element);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
