package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The buy form in a real browser: as the buyer types a quantity and a coupon code, the unit price of the tier reached,
 * the coupon's discount and the total come from the server's quote; an unknown or expired code is said so in words
 * and the total falls back to the price without it; the pay page then asks for the total the form showed. Chinese and
 * English, desktop and phone (390 x 844).
 */
class BuyFormPriceBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop, so the form is seen in both languages and at both sizes
     * (BuyerJourneysBrowserTest fills it with a tier and a coupon in the other two combinations).
     */
    @ParameterizedTest
    @CsvSource({"zh, zh-CN, 390, 844, phone", "en, en-US, 1400, 900, desktop"})
    void theFormShowsTheTierAndTheCouponAsTheBuyerTypes(String lang, String acceptLanguage, int width, int height,
                                                        String device) {
        boolean zh = lang.equals("zh");
        String yuan = zh ? "¥" : "CN¥";
        ShopClient shop = shop();
        ShopClient.Response product = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "FORM-KEY", "name", "Form key", "nameZh", "表单卡密", "price", "10.00", "currency", "CNY",
                "tiers", List.of(Map.of("minQuantity", 3, "unitPrice", "9.00"), Map.of("minQuantity", 5, "unitPrice", "8.00")))));
        assertThat(product.status()).as(product.body()).isEqualTo(201);
        assertThat(shop.generateKeys("FORM-KEY", 8).status()).isEqualTo(200);
        coupon(shop, Map.of("code", "SALE20", "percentOff", 20));
        coupon(shop, Map.of("code", "OLD", "percentOff", 50,
                "validUntil", Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString()));

        browser = Chromium.start(acceptLanguage + "," + lang, width, height);
        browser.get(base() + "/products/FORM-KEY");
        assertThat(text("unit-price")).isEqualTo(yuan + "10.00");
        assertThat(text("total-amount")).isEqualTo(yuan + "10.00");
        assertThat(browser.findElement(By.id("discount-line")).isDisplayed()).isFalse();

        type("quantity", "5");
        awaitText("total-amount", yuan + "40.00");
        assertThat(text("unit-price")).isEqualTo(yuan + "8.00");
        assertThat(browser.findElement(By.id("tier-note")).isDisplayed()).isTrue();
        assertThat(text("tier-note")).isEqualTo(zh ? "批发价" : "wholesale price");

        type("coupon", "nosuch");
        awaitText("coupon-status", zh ? "优惠码不存在" : "This coupon code does not exist");
        assertThat(text("total-amount")).isEqualTo(yuan + "40.00");
        assertThat(browser.findElement(By.id("coupon")).getAttribute("aria-invalid")).isEqualTo("true");
        Chromium.screenshot(browser, "couponshow-" + lang + "-" + device + "-unknown");

        type("coupon", "old");
        awaitText("coupon-status", zh ? "已过期" : "has expired");
        assertThat(text("total-amount")).isEqualTo(yuan + "40.00");

        type("coupon", "sale20");
        awaitText("total-amount", yuan + "32.00");
        assertThat(browser.findElement(By.id("discount-line")).isDisplayed()).isTrue();
        assertThat(text("discount-line")).contains("SALE20", "−" + yuan + "8.00");
        assertThat(text("coupon-status")).contains("SALE20");
        assertThat(browser.findElement(By.id("coupon")).getAttribute("aria-invalid")).isEqualTo("false");

        type("quantity", "3");
        awaitText("total-amount", yuan + "21.60"); // 3 × 9.00 = 27.00, less 20%
        assertThat(text("unit-price")).isEqualTo(yuan + "9.00");
        assertThat(text("discount-line")).contains("−" + yuan + "5.40");
        browser.findElement(By.id("email")).sendKeys(lang + "-" + device + "@example.com");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        Chromium.screenshot(browser, "couponshow-" + lang + "-" + device + "-form");

        Chromium.click(browser, browser.findElement(By.id("buy")));
        wait(30).until(ExpectedConditions.urlContains("/orders/"));
        assertThat(browser.findElement(By.cssSelector(".summary strong")).getText()).isEqualTo(yuan + "21.60");
        assertThat(text("discount")).contains("SALE20", "−" + yuan + "5.40", zh ? "应付" : "To pay",
                "3 × " + yuan + "9.00");
        Chromium.screenshot(browser, "couponshow-" + lang + "-" + device + "-pay");
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM customer_order", Long.class)).isEqualTo(2160);
    }

    private void type(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText().strip();
    }

    private void awaitText(String id, String part) {
        wait(10).until(ExpectedConditions.textMatches(By.id(id), Pattern.compile(".*" + Pattern.quote(part) + ".*",
                Pattern.DOTALL)));
    }

    private static void coupon(ShopClient shop, Map<String, Object> fields) {
        ShopClient.Response created = shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(fields));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
