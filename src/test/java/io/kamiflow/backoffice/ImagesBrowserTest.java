package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Product images and the logo in a real browser, in Chinese and English, on a desktop and a phone: the owner uploads a
 * product's image (and sees an SVG refused), sees the list's thumbnails, sets the logo; the buyer sees them on the
 * catalogue (a placeholder where there is none) and the product page. Screenshots images-* in target/screenshots.
 */
class ImagesBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop (the pictures docs/api.md shows), so each page is seen in
     * both languages and at both sizes; BackOfficeJourneyBrowserTest uploads an image and sees it on the catalogue in
     * the other two combinations (zh desktop, en phone).
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 390, 844, 图片已保存, 不接受 SVG, 游戏点卡", "en, 1400, 900, Image saved, SVG images are not accepted, Game card"})
    void theOwnerAddsImagesAndTheBuyerSeesThem(String language, int width, int height, String saved, String svgRefused,
                                               String gameName) throws Exception {
        Shop.productWithKeys(shop(), "GAME-CARD", "12.50", 8);
        Shop.productWithKeys(shop(), "GIFT-50", "50.00", 3);
        Shop.productWithKeys(shop(), "STEAM-20", "20.00", 5);
        jdbc.update("UPDATE product SET name = 'Game card', name_zh = '游戏点卡' WHERE sku = 'GAME-CARD'");
        jdbc.update("UPDATE product SET name = 'Gift card 50', name_zh = '礼品卡 50' WHERE sku = 'GIFT-50'");
        jdbc.update("UPDATE product SET name = 'Steam wallet 20', name_zh = 'Steam 钱包 20' WHERE sku = 'STEAM-20'");
        byte[] steam = TestImages.encode(TestImages.picture(600, 400, new Color(0x1b2838), new Color(0x2a475e), "STEAM 20"), "jpeg");
        assertThat(TestImages.send(port, "PUT", "/api/admin/products/STEAM-20/image", steam, null, true, Map.of()).status())
                .isEqualTo(200);
        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        Path picture = Files.createTempFile("game-card", ".png");
        Files.write(picture, TestImages.encode(TestImages.picture(640, 400, new Color(0x0969da), new Color(0x8250df), "GAME"), "png"));
        Path svg = Files.createTempFile("logo", ".png"); // an SVG named .png: the content decides
        Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", StandardCharsets.UTF_8);
        Path logo = Files.createTempFile("logo", ".png");
        Files.write(logo, TestImages.encode(TestImages.picture(192, 64, new Color(0xcf222e), new Color(0xbf8700), "KAMI"), "png"));
        browser = Chromium.start(language, width, height);

        browser.get(base() + "/admin/products/GAME-CARD");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("image-file")));
        browser.findElement(By.id("image-file")).sendKeys(svg.toString());
        browser.findElement(By.cssSelector("#image form[enctype] button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#image p.error"), svgRefused));
        scrollTo("image");
        Chromium.screenshot(browser, "images-admin-refused-" + lang + "-" + size);

        browser.findElement(By.id("image-file")).sendKeys(picture.toString());
        browser.findElement(By.cssSelector("#image form[enctype] button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#image p.status"), saved));
        assertThat(naturalWidth("#image figure img")).isEqualTo(640);
        assertThat(browser.getCurrentUrl()).doesNotContain("_csrf");
        scrollTo("image");
        Chromium.screenshot(browser, "images-admin-product-" + lang + "-" + size);

        browser.get(base() + "/admin/products");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("img.thumb")));
        assertThat(browser.findElements(By.cssSelector("img.thumb"))).hasSize(2);
        Chromium.screenshot(browser, "images-admin-products-" + lang + "-" + size);

        browser.get(base() + "/admin/shop/logo");
        browser.findElement(By.id("image-file")).sendKeys(logo.toString());
        browser.findElement(By.cssSelector("#image form[enctype] button[type=submit]")).click();
        waiting().until(ExpectedConditions.urlContains("?saved"));
        assertThat(naturalWidth(".image-preview img")).isEqualTo(192);
        Chromium.screenshot(browser, "images-admin-logo-" + lang + "-" + size);

        browser.get(base() + "/");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("img.logo")));
        ((JavascriptExecutor) browser).executeScript("document.querySelectorAll('img').forEach(i => i.loading = 'eager')");
        waiting().until(driver -> naturalWidth("li[data-sku='GAME-CARD'] img") == 640 && naturalWidth("img.logo") == 192);
        assertThat(browser.findElement(By.cssSelector("li[data-sku='GAME-CARD'] img")).getAttribute("alt")).isEqualTo(gameName);
        assertThat(browser.findElements(By.cssSelector("li[data-sku='GIFT-50'] .placeholder"))).hasSize(1);
        Chromium.screenshot(browser, "images-catalog-" + lang + "-" + size);

        browser.findElement(By.cssSelector("li[data-sku='GAME-CARD'] a")).click();
        waiting().until(ExpectedConditions.textToBe(By.tagName("h1"), gameName));
        waiting().until(driver -> naturalWidth(".product-image img") == 640);
        Chromium.screenshot(browser, "images-product-" + lang + "-" + size);
        for (Path file : new Path[] {picture, svg, logo}) {
            Files.delete(file);
        }
    }

    private long naturalWidth(String selector) {
        Object width = ((JavascriptExecutor) browser).executeScript(
                "const i = document.querySelector(arguments[0]); return i && i.complete ? i.naturalWidth : 0", selector);
        return ((Number) width).longValue();
    }

    private void scrollTo(String id) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
