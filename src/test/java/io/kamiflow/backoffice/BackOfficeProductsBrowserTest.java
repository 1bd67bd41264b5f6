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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The owner in a real browser, in Chinese and English, on a desktop and a phone: the product list, a new product,
 * its page, and keys imported from a GBK file with the report. Screenshots admin-products-*, admin-product-*,
 * admin-import-* in target/screenshots.
 */
class BackOfficeProductsBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop (the picture README.md shows), so each page is seen in both
     * languages and at both sizes; BackOfficeJourneyBrowserTest creates a product and imports keys in the other two
     * combinations (zh desktop, en phone).
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 390, 844, 商品, 卡密导入结果", "en, 1400, 900, Products, Keys imported"})
    void theOwnerCreatesAProductAndImportsItsKeysFromAFile(String language, int width, int height, String products,
                                                           String imported) throws Exception {
        Shop.productWithKeys(shop(), "GAME-CARD", "12.50", 8);
        Shop.productWithKeys(shop(), "GIFT-50", "50.00", 1);
        jdbc.update("UPDATE product SET low_stock_threshold = 3 WHERE sku = 'GIFT-50'");
        Shop.productWithKeys(shop(), "OLD-CARD", "5.00", 0);
        jdbc.update("UPDATE product SET active = false WHERE sku = 'OLD-CARD'");
        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        browser = Chromium.start(language, width, height);

        browser.get(base() + "/admin/products");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), products));
        Chromium.screenshot(browser, "admin-products-" + lang + "-" + size);

        browser.findElement(By.cssSelector("main a.button[href='/admin/new-product']")).click();
        wait(30).until(ExpectedConditions.urlContains("/admin/new-product"));
        browser.findElement(By.id("sku")).sendKeys("NEW-CARD");
        browser.findElement(By.id("name")).sendKeys(lang.equals("zh") ? "新游戏点卡" : "New game card");
        browser.findElement(By.id("price")).sendKeys("1.001"); // a mistake first
        browser.findElement(By.cssSelector("#new button[type=submit]")).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("price-error")));
        assertThat(browser.findElement(By.id("sku")).getAttribute("value")).isEqualTo("NEW-CARD");
        Chromium.screenshot(browser, "admin-products-invalid-" + lang + "-" + size);
        browser.findElement(By.id("price")).clear();
        browser.findElement(By.id("price")).sendKeys("30.00");
        browser.findElement(By.cssSelector("#new button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlContains("/admin/products/NEW-CARD?created"));
        Chromium.screenshot(browser, "admin-product-" + lang + "-" + size);

        Path file = Files.createTempFile("keys-gbk", ".txt");
        Files.write(file, "卡密-甲-0001\r\n卡密-乙-0002\r\n卡密-甲-0001\r\n".getBytes(Charset.forName("GBK")));
        browser.findElement(By.id("file")).sendKeys(file.toString());
        browser.findElement(By.cssSelector("#import button[type=submit]")).click();
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), imported));
        assertThat(browser.findElement(By.id("imported")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.id("duplicate-in-batch")).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("GBK").doesNotContain("卡密-");
        assertThat(browser.getCurrentUrl()).doesNotContain("_csrf");
        Chromium.screenshot(browser, "admin-import-" + lang + "-" + size);
        Files.delete(file);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
