package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The owner in a real browser, in Chinese and English, on a desktop and a phone: the payment channels page and a
 * product's key batches with one voided. Screenshots admin-channels-*, admin-batches-* in target/screenshots.
 */
class BackOfficeChannelsBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop, so each page is seen in both languages and at both sizes.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 390, 844, 支付渠道, 卡密批次", "en, 1400, 900, Payment channels, Key batches"})
    void theOwnerReadsTheChannelsAndVoidsABatch(String language, int width, int height, String channels,
                                                String batches) throws Exception {
        Shop.productWithKeys(shop(), "GAME-CARD", "12.50", 5);
        shop().generateKeys("GAME-CARD", 3);
        Shop.PlacedOrder order = Shop.order(shop(), "GAME-CARD", 1, "buyer@example.com");
        assertThat(Shop.pay(shop(), order, "T-BROWSER-1").status()).isEqualTo(200);
        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        browser = Chromium.start(language, width, height);

        browser.get(base() + "/admin/channels");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), channels));
        assertThat(browser.findElement(By.id("channel-stripe")).getText())
                .contains("https://shop.example.test/api/payments/stripe/webhook");
        Chromium.screenshot(browser, "admin-channels-" + lang + "-" + size);

        browser.get(base() + "/admin/products/GAME-CARD#batches");
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("batches")));
        assertThat(browser.findElement(By.id("batches")).getText()).contains(batches);
        WebElement firstVoid = browser.findElement(By.cssSelector("#batches tbody tr:last-child form.inline"));
        firstVoid.findElement(By.name("confirm")).click();
        firstVoid.findElement(By.cssSelector("button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlContains("voided="));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.getElementById('batches').scrollIntoView()");
        Chromium.screenshot(browser, "admin-batches-" + lang + "-" + size);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
