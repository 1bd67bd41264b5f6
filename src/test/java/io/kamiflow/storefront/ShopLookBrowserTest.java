package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The catalogue as a shop, in a real browser, Chinese and English, desktop and phone: the owner's shop name and
 * announcement, list prices struck through, "in stock" or the count, sold out; a search that finds, one that finds
 * nothing and is cleared; the product page; the owner's settings page. Nothing wider than the screen. Screenshots
 * shoplook-* in target/screenshots.
 */
class ShopLookBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @BeforeEach
    void shopWithCatalogue() {
        ShopClient shop = shop();
        assertThat(shop.admin("PUT", "/api/admin/shop", "application/json", ShopClient.json(Map.of(
                "nameEn", "Key Corner", "nameZh", "钥匙角数卡",
                "announcementEn", "**Weekend sale**: 20% off game cards until Sunday. Keys arrive by mail within a minute.",
                "announcementZh", "**周末特价**：游戏点卡八折，截至周日。付款后一分钟内邮件发货。",
                "announcementOn", true)), Map.of("If-Match", "*")).status()).isEqualTo(200);
        assertThat(shop.admin("POST", "/api/admin/categories", "application/json",
                ShopClient.json(Map.of("slug", "games", "nameEn", "Game cards", "nameZh", "游戏点卡", "position", 1))).status())
                .isEqualTo(201);
        assertThat(shop.admin("POST", "/api/admin/categories", "application/json",
                ShopClient.json(Map.of("slug", "software", "nameEn", "Software", "nameZh", "软件", "position", 2))).status())
                .isEqualTo(201);
        product(shop, "STEAM-50", "Steam Wallet 50 CNY", "Steam 钱包充值卡 50元", "45.00", "50.00", "EXACT", "games", 23);
        product(shop, "STEAM-100", "Steam Wallet 100 CNY", "Steam 钱包充值卡 100元", "89.00", "100.00", "IN_STOCK", "games", 40);
        product(shop, "PSN-200", "PlayStation Store 200 HKD", "PSN 港服 200 港币", "188.00", null, "EXACT", "games", 0);
        product(shop, "OFFICE", "Office 2024 Professional Plus", "Office 2024 专业增强版", "129.00", "299.00", "IN_STOCK",
                "software", 7);
    }

    @AfterEach
    void closeBrowserAndResetShop() {
        if (browser != null) {
            browser.quit();
        }
        shop().admin("PUT", "/api/admin/shop", "application/json", "{\"announcementOn\": false}", Map.of("If-Match", "*"));
    }

    /**
     * Pairwise: the walk in Chinese on a phone and in English on a desktop; each also shows the catalogue and the empty
     * search at the other size (the window resized), so every page is seen in both languages and at both sizes and
     * the pictures docs/api.md and README.md show (catalogue zh and en desktop, search zh phone, no results en phone,
     * settings zh phone) are all taken.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 390, 844, 钥匙角数卡, 钱包, 原价", "en, 1280, 900, Key Corner, wallet, was"})
    void aBuyerSeesTheShopSearchesAndOpensAProduct(String language, int width, int height, String shopName,
                                                    String query, String was) {
        String lang = language.startsWith("zh") ? "zh" : "en";
        String size = width > 800 ? "desktop" : "phone";
        browser = Chromium.start(language, width, height);

        browser.get(base() + "/");
        assertThat(browser.findElement(By.cssSelector(".top .brand")).getText()).isEqualTo(shopName);
        assertThat(browser.getTitle()).endsWith("· " + shopName);
        assertThat(browser.findElement(By.id("announcement")).getText()).contains(lang.equals("zh") ? "周末特价" : "Weekend sale");
        WebElement steam50 = browser.findElement(By.cssSelector("li[data-sku='STEAM-50']"));
        assertThat(steam50.findElement(By.cssSelector(".list-price")).getText()).contains("50.00");
        assertThat(steam50.findElement(By.cssSelector(".stock")).getText()).contains("23");
        assertThat(browser.findElement(By.cssSelector("li[data-sku='STEAM-100'] .stock")).getText())
                .isEqualTo(lang.equals("zh") ? "有货" : "In stock");
        assertThat(browser.findElement(By.cssSelector("li[data-sku='PSN-200'] .stock")).getText())
                .isEqualTo(lang.equals("zh") ? "已售罄" : "Sold out");
        assertThat(browser.findElement(By.cssSelector("li[data-sku='OFFICE'] .list-price .sr-only"))
                .getAttribute("textContent")).isEqualTo(was);
        assertFitsTheScreen();
        Chromium.screenshot(browser, "shoplook-catalog-" + lang + "-" + size);

        browser.findElement(By.id("q")).sendKeys(query);
        browser.findElement(By.cssSelector("#search button[type=submit]")).click();
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.id("search-result")));
        assertThat(skus()).containsExactly("STEAM-100", "STEAM-50");
        assertThat(browser.findElement(By.id("q")).getAttribute("value")).isEqualTo(query);
        assertFitsTheScreen();
        Chromium.screenshot(browser, "shoplook-search-" + lang + "-" + size);

        WebElement box = browser.findElement(By.id("q"));
        WebElement firstResult = browser.findElement(By.id("search-result"));
        box.clear();
        box.sendKeys("100%_");
        browser.findElement(By.cssSelector("#search button[type=submit]")).click();
        wait(30).until(Chromium.replaced(firstResult)); // both pages have a search result
        wait(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("search-result"), "100%_"));
        assertThat(skus()).isEmpty();
        assertFitsTheScreen();
        Chromium.screenshot(browser, "shoplook-no-results-" + lang + "-" + size);
        String otherSize = size.equals("phone") ? "desktop" : "phone";
        if (otherSize.equals("phone")) {
            Chromium.resize(browser, 390, 844);
        } else {
            Chromium.resize(browser, 1280, 900);
        }
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("search-result")).getText()).contains("100%_");
        assertFitsTheScreen();
        Chromium.screenshot(browser, "shoplook-no-results-" + lang + "-" + otherSize);
        browser.get(base() + "/");
        assertThat(browser.findElement(By.cssSelector("li[data-sku='PSN-200'] .stock")).getText())
                .isEqualTo(lang.equals("zh") ? "已售罄" : "Sold out");
        assertFitsTheScreen();
        Chromium.screenshot(browser, "shoplook-catalog-" + lang + "-" + otherSize);
        Chromium.resize(browser, width, height);
        browser.navigate().back();
        WebElement lastResult = wait(30).until(ExpectedConditions.presenceOfElementLocated(By.id("search-result")));
        browser.findElement(By.id("clear-search")).click(); // a link to /: a new page
        wait(30).until(Chromium.replaced(lastResult)); // else the next wait may read it as it is replaced
        wait(30).until(ExpectedConditions.invisibilityOfElementLocated(By.id("search-result")));
        assertThat(skus()).hasSize(4);

        browser.findElement(By.cssSelector("li[data-sku='OFFICE'] a")).click();
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.id("checkout")));
        assertThat(browser.findElement(By.cssSelector("main .prices")).getText()).contains("129.00", "299.00");
        assertThat(browser.getTitle()).endsWith("· " + shopName);
        assertFitsTheScreen();
        Chromium.screenshot(browser, "shoplook-product-" + lang + "-" + size);

        browser.get(base() + "/admin/shop");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.id("shop-settings")));
        assertThat(browser.findElement(By.id("nameZh")).getAttribute("value")).isEqualTo("钥匙角数卡");
        Chromium.screenshot(browser, "shoplook-admin-" + lang + "-" + size);
    }

    private void assertFitsTheScreen() {
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).longValue()).as("wider than the screen").isLessThanOrEqualTo(0);
    }

    private List<String> skus() {
        return browser.findElements(By.cssSelector("li.product")).stream().map(li -> li.getAttribute("data-sku")).toList();
    }

    private static void product(ShopClient shop, String sku, String name, String nameZh, String price, String listPrice,
                                String stockDisplay, String category, int keys) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("sku", sku, "name", name, "nameZh", nameZh, "price", price,
                "currency", "CNY", "stockDisplay", stockDisplay, "category", category));
        body.put("listPrice", listPrice);
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(body));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        if (keys > 0) {
            assertThat(shop.generateKeys(sku, keys).status()).isIn(200, 201);
        }
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
