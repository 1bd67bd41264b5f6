package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import io.kamiflow.notify.NotifyEvent;
import io.kamiflow.notify.NotifySettings;
import io.kamiflow.notify.NotifyTargets;
import io.kamiflow.notify.WebhookReceiver;
import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The owner in a real browser, in Chinese and English, on a desktop and a phone: adds a webhook, copies its secret
 * (shown once), sends a test that the receiver refuses once and then takes, and reads the delivery log. Screenshots
 * notify-created-*, notify-log-* in target/screenshots.
 */
class NotificationsBrowserTest extends IntegrationTest {

    @Autowired
    NotifyTargets targets;
    @Autowired
    NotifySettings settings;
    private WebDriver browser;
    private WebhookReceiver receiver;
    private final List<Duration> configuredDelays = List.copyOf(new NotifySettings().getRetryDelays());

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        if (receiver != null) {
            receiver.close();
        }
        settings.setRetryDelays(configuredDelays);
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop (the picture docs/operations.md shows), so the page is seen
     * in both languages and at both sizes.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 390, 844, 通知, 已发送, 签名密钥", "en, 1400, 900, Notifications, sent, Signing secret"})
    void theOwnerAddsAWebhookAndSeesTheTestArriveAfterARetry(String language, int width, int height, String title,
                                                             String sent, String secretTitle) throws Exception {
        settings.setRetryDelays(List.of(Duration.ofSeconds(1)));
        receiver = new WebhookReceiver(1);
        targets.create("Admin mail", NotifyTargets.Kind.MAIL, null, null,
                EnumSet.of(NotifyEvent.ORDER_PAID, NotifyEvent.LOW_STOCK, NotifyEvent.TASK_OVERDUE));
        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        browser = Chromium.start(language, width, height);

        browser.get(base() + "/admin/notifications");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), title));

        browser.findElement(By.id("name")).sendKeys("ERP");
        new Select(browser.findElement(By.id("kind"))).selectByValue("WEBHOOK");
        browser.findElement(By.id("url")).sendKeys(receiver.url("/kamiflow/events"));
        browser.findElement(By.cssSelector("#new-target button[type=submit]")).click();
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".notify-secret code.secret")));
        String secret = browser.findElement(By.cssSelector(".notify-secret code.secret")).getText();
        assertThat(secret).startsWith("whsec_");
        assertThat(browser.findElement(By.cssSelector(".notify-secret")).getText()).contains(secretTitle);
        receiver.secret(secret);
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Chromium.screenshot(browser, "notify-created-" + lang + "-" + size);

        browser.findElement(By.cssSelector("article.notify-target:last-of-type form[action$='/test'] button")).click();
        wait(30).until(ExpectedConditions.urlContains("#target-"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(500)).until(driver -> {
            driver.navigate().refresh();
            return driver.findElements(By.cssSelector("table.deliveries .flag.good")).size() == 1;
        });
        assertThat(browser.getPageSource()).doesNotContain(secret);
        assertThat(receiver.received()).hasSize(2).allSatisfy(call -> assertThat(call.signatureValid()).isTrue());
        String row = browser.findElement(By.cssSelector("table.deliveries tbody tr")).getText();
        assertThat(row).contains(sent, "2");
        ((JavascriptExecutor) browser).executeScript(
                "document.querySelector('article.notify-target:last-of-type').scrollIntoView()");
        Chromium.screenshot(browser, "notify-log-" + lang + "-" + size);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
