package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
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
 * A buyer in a real browser buys two keys with a wholesale tier and a coupon, sees the total follow the quantity and
 * the discount on the pay page, pays, gets the keys; the owner sees the coupon's use in the back office. Chinese and
 * English, desktop and phone (390 x 844).
 */
class CouponsBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop (the pictures docs/api.md shows), so each page is seen in
     * both languages and at both sizes; BuyerJourneysBrowserTest buys with a tier and a coupon in the other two
     * combinations (zh desktop, en phone).
     */
    @ParameterizedTest
    @CsvSource({"zh, zh-CN, 390, 844, phone", "en, en-US, 1400, 900, desktop"})
    void twoKeysWithATierAndACouponCostWhatThePagesSay(String lang, String acceptLanguage, int width, int height,
                                                       String device) {
        ShopClient shop = shop();
        ShopClient.Response product = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(Map.of(
                "sku", "DEMO-KEY", "name", "Demo key", "nameZh", "演示卡密", "price", "10.00", "currency", "CNY",
                "tiers", java.util.List.of(Map.of("minQuantity", 2, "unitPrice", "9.00"), Map.of("minQuantity", 5, "unitPrice", "8.00")))));
        assertThat(product.status()).as(product.body()).isEqualTo(201);
        shop.generateKeys("DEMO-KEY", 5);
        assertThat(shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(Map.of(
                "code", "SALE20", "percentOff", 20, "maxUses", 10))).status()).isEqualTo(201);

        browser = Chromium.start(acceptLanguage + "," + lang, width, height);
        browser.get(base() + "/products/DEMO-KEY");
        assertThat(browser.findElement(By.id("tiers")).getText())
                .contains(lang.equals("zh") ? "2 件起每件 ¥9.00" : "From 2: CN¥9.00 each");
        assertThat(browser.findElement(By.id("total-amount")).getText()).endsWith("10.00");
        WebElement quantity = browser.findElement(By.id("quantity"));
        quantity.clear();
        quantity.sendKeys("2");
        wait(10).until(ExpectedConditions.textMatches(By.id("total-amount"), java.util.regex.Pattern.compile(".*18\\.00$")));
        browser.findElement(By.id("email")).sendKeys(lang + "-" + device + "@example.com");
        browser.findElement(By.id("coupon")).sendKeys("sale20");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        // the live quote takes the coupon off the total before the buyer buys (and its line moves the button down)
        wait(10).until(ExpectedConditions.textMatches(By.id("total-amount"), java.util.regex.Pattern.compile(".*14\\.40$")));
        Chromium.screenshot(browser, "coupons-" + lang + "-" + device + "-product");
        Chromium.click(browser, browser.findElement(By.id("buy")));

        wait(30).until(ExpectedConditions.urlContains("/orders/"));
        String discount = browser.findElement(By.id("discount")).getText();
        assertThat(discount).contains(lang.equals("zh") ? "原价" : "Price", "18.00", "SALE20", "−", "3.60");
        assertThat(browser.findElement(By.cssSelector(".summary strong")).getText()).endsWith("14.40");
        Chromium.screenshot(browser, "coupons-" + lang + "-" + device + "-pay");

        String orderNo = browser.findElement(By.id("order")).getAttribute("data-order-no");
        String token = browser.getCurrentUrl().replaceAll(".*[?&]token=([^&]+).*", "$1");
        JsonNode unpaid = shop.getOrder(orderNo, token).json();
        assertThat(unpaid.get("amount").asText()).isEqualTo("14.40");
        assertThat(unpaid.get("discount").asText()).isEqualTo("3.60");
        Shop.PlacedOrder order = new Shop.PlacedOrder(orderNo, token, "14.40", "CNY");
        assertThat(Shop.pay(shop, order, "T-" + lang + device).body()).isEqualTo("success");
        wait(30).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#keys code.key"), 2));
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM payment WHERE order_no = ?", Long.class, orderNo)).isEqualTo(1440);

        // the owner sees the use
        browser.get(base() + "/admin/login?lang=" + (lang.equals("zh") ? "zh-CN" : "en"));
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlMatches(".*/admin/?$"));
        browser.get(base() + "/admin/coupons");
        assertThat(browser.findElement(By.id("coupon-SALE20")).getText()).contains("20%", "1 / 10");
        Chromium.screenshot(browser, "coupons-" + lang + "-" + device + "-admin");
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
