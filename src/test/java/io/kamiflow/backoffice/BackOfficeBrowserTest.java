package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The owner in a real browser (headless Chromium), in Chinese and English, on a desktop and a phone: the login page,
 * a sale on the dashboard, the order found in the list and refunded on its page, and a support user's 403 page. Screenshots in target/screenshots (docs/screenshots with
 * -Dkamiflow.screenshots=docs/screenshots).
 */
class BackOfficeBrowserTest extends IntegrationTest {

    @Autowired
    IdentityService identity;
    private WebDriver browser;
    private String paidOrder;

    @BeforeEach
    void aSale() {
        SupportDesk.ensureUser(identity);
        Shop.productWithKeys(shop(), "GAME-CARD", "12.50", 8);
        Shop.productWithKeys(shop(), "GIFT-50", "50.00", 2);
        Shop.PlacedOrder order = Shop.order(shop(), "GAME-CARD", 2, "buyer@example.com");
        assertThat(Shop.pay(shop(), order, "T-BROWSER").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        paidOrder = order.orderNo();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"zh-CN, 此账号无权访问", "en, Not for this account"})
    void aSupportUserGetsThe403Page(String language, String heading) {
        browser = Chromium.start(language, 390, 844);
        browser.get(base() + "/admin/login");
        browser.findElement(By.id("username")).sendKeys(SupportDesk.USER);
        browser.findElement(By.id("password")).sendKeys(SupportDesk.PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), heading));
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("25.00 CNY");
        Chromium.screenshot(browser, "admin-denied-" + (language.startsWith("zh") ? "zh" : "en") + "-phone");
    }

    /**
     * Pairwise: Chinese on a desktop and English on a phone (the pictures README.md shows), so the login page, the
     * dashboard, the order list and the order page are each seen in both languages and at both sizes.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 1400, 900, 概览, 最近 24 小时, 登录, 订单, 退款", "en, 390, 844, Dashboard, Last 24 hours, Log in, Orders, Refund"})
    void theOwnerLogsInSeesTheSaleOnTheDashboardFindsTheOrderAndRefundsIt(String language, int width, int height,
            String title, String today, String logIn, String orders, String refund) {
        browser = Chromium.start(language, width, height);
        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        browser.get(base() + "/admin");
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(logIn);
        Chromium.screenshot(browser, "admin-login-" + lang + "-" + size);

        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), title));
        String page = browser.findElement(By.tagName("main")).getText();
        assertThat(page).contains(today, "25.00 CNY", "GAME-CARD", "GIFT-50");
        assertThat(browser.findElements(By.cssSelector("svg rect.bar"))).hasSize(30);
        Chromium.screenshot(browser, "admin-dashboard-" + lang + "-" + size);

        browser.findElement(By.cssSelector("nav.sections a[href$='/admin/orders']")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), orders));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(paidOrder, "25.00 CNY", "b***@example.com")
                .doesNotContain("buyer@example.com");
        Chromium.screenshot(browser, "admin-orders-" + lang + "-" + size);

        browser.findElement(By.linkText(paidOrder)).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("reason")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains(paidOrder);
        assertThat(browser.findElements(By.cssSelector(".timeline li.kind-PAYMENT"))).isNotEmpty();
        Chromium.screenshot(browser, "admin-order-" + lang + "-" + size);

        browser.findElement(By.id("reason")).sendKeys("buyer bought the wrong card");
        WebElement form = browser.findElement(By.cssSelector("form[action$='/refund']"));
        form.findElement(By.name("confirm")).click();
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".outcome.ok")));
        assertThat(browser.findElements(By.cssSelector(".timeline li.kind-REFUND"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector(".timeline")).getText()).contains(refund, "buyer bought the wrong card");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElements(By.cssSelector(".timeline li.kind-REFUND")).get(0));
        Chromium.screenshot(browser, "admin-order-refunded-" + lang + "-" + size);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
