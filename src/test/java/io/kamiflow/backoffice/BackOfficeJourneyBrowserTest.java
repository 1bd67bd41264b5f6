package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.TestImages;
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
 * The owner's whole day in a real browser, as issue 20 asks it to work: log in, create a category and a product in
 * both languages with an image, import 1,000 keys from a file and read the report, a buyer buys it on the storefront and pays, the
 * owner sees the sale on the dashboard and the order in the list, refunds it with a reason, and finds the refund in the
 * order's timeline and the audit. In Chinese on a desktop and in English on a phone.
 */
class BackOfficeJourneyBrowserTest extends IntegrationTest {

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest
    @CsvSource({"zh-CN, 1280, 900, 商品, 分类, 卡密导入结果, 已退款",
            "en, 390, 844, Products, Categories, Keys imported, Refunded"})
    void theOwnerSetsUpAProductABuyerBuysItTheOwnerRefundsIt(String language, int width, int height, String products,
                                                              String categories, String imported, String refunded)
            throws Exception {
        String lang = language.startsWith("zh") ? "zh" : "en";
        String size = width > 800 ? "desktop" : "phone";
        String sku = "JOURNEY-" + lang.toUpperCase();
        browser = Chromium.start(language, width, height);

        // the owner logs in
        browser.get(base() + "/admin");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("section.periods")));

        // a category
        browser.get(base() + "/admin/categories");
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), categories));
        browser.findElement(By.id("slug")).sendKeys("game-cards");
        browser.findElement(By.id("nameEn")).sendKeys("Game cards");
        browser.findElement(By.id("nameZh")).sendKeys("游戏点卡");
        browser.findElement(By.cssSelector("#new button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlContains("created=game-cards"));
        Chromium.screenshot(browser, "admin-categories-" + lang + "-" + size);

        // a product in both languages, in that category
        browser.get(base() + "/admin/products");
        wait(30).until(ExpectedConditions.textToBe(By.tagName("h1"), products));
        browser.findElement(By.cssSelector("main a.button[href='/admin/new-product']")).click();
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("sku"))).sendKeys(sku);
        browser.findElement(By.id("name")).sendKeys("Star Voyage 100 gems");
        browser.findElement(By.id("nameZh")).sendKeys("星际远航 100 宝石");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("category"))).selectByValue("game-cards");
        browser.findElement(By.id("descriptionEn")).sendKeys("**Instant** delivery of a 100-gem code.");
        browser.findElement(By.id("descriptionZh")).sendKeys("**即时**发货：100 宝石兑换码。");
        browser.findElement(By.id("usageNotesEn")).sendKeys("Redeem under Settings > Codes.");
        browser.findElement(By.id("usageNotesZh")).sendKeys("在“设置 > 兑换码”中兑换。");
        browser.findElement(By.id("price")).sendKeys("30.00");
        Chromium.screenshot(browser, "admin-product-new-" + lang + "-" + size);
        browser.findElement(By.cssSelector("#new button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlContains("/admin/products/" + sku + "?created"));

        // its image, uploaded on the product's page
        Path picture = Files.createTempFile("product", ".png");
        Files.write(picture, TestImages.encode(TestImages.picture(480, 300, Color.decode("#1d4ed8"), Color.decode("#7c3aed"),
                "100"), "png"));
        browser.findElement(By.id("image-file")).sendKeys(picture.toString());
        browser.findElement(By.cssSelector("#image button[type=submit]")).click();
        wait(30).until(ExpectedConditions.urlContains("imageSaved"));
        assertThat(browser.findElement(By.cssSelector("#image figure img")).getAttribute("naturalWidth")).isEqualTo("480");
        Files.delete(picture);

        // 1,000 keys from a file, and the report
        Path file = Files.createTempFile("keys", ".txt");
        Files.writeString(file, IntStream.rangeClosed(1, 1000).mapToObj(i -> "SV-" + lang + "-" + String.format("%05d", i) + "-GEMS")
                .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
        browser.findElement(By.id("file")).sendKeys(file.toString());
        browser.findElement(By.cssSelector("#import button[type=submit]")).click();
        wait(60).until(ExpectedConditions.textToBe(By.tagName("h1"), imported));
        assertThat(browser.findElement(By.id("imported")).getText()).isEqualTo("1000");
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("-GEMS");
        Chromium.screenshot(browser, "admin-import-1000-" + lang + "-" + size);
        Files.delete(file);

        // a buyer buys two on the storefront (in the owner's language) and pays
        browser.get(base() + "/");
        WebElement card = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li[data-sku='" + sku + "']")));
        assertThat(card.getText()).contains(lang.equals("zh") ? "星际远航 100 宝石" : "Star Voyage 100 gems");
        assertThat(card.findElement(By.cssSelector(".summary")).getText())
                .isEqualTo(lang.equals("zh") ? "即时发货：100 宝石兑换码。" : "Instant delivery of a 100-gem code.");
        WebElement cardImage = card.findElement(By.cssSelector("img.card-image"));
        assertThat(cardImage.getAttribute("alt")).isEqualTo(lang.equals("zh") ? "星际远航 100 宝石" : "Star Voyage 100 gems");
        assertThat(((Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return arguments[0].naturalWidth", cardImage)).intValue()).isEqualTo(480);
        Chromium.screenshot(browser, "admin-journey-shop-" + lang + "-" + size);
        card.findElement(By.tagName("a")).click();
        WebElement quantity = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("quantity")));
        quantity.clear();
        quantity.sendKeys("2");
        browser.findElement(By.id("email")).sendKeys("buyer-" + lang + "@example.com");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        Chromium.click(browser, browser.findElement(By.id("buy")));
        wait(30).until(ExpectedConditions.urlContains("/orders/"));
        String orderNo = browser.findElement(By.id("order")).getAttribute("data-order-no");
        String token = browser.getCurrentUrl().replaceAll(".*[?&]token=([^&]+).*", "$1");
        JsonNode unpaid = shop().getOrder(orderNo, token).json();
        assertThat(unpaid.get("amount").asText()).isEqualTo("60.00");
        assertThat(Shop.pay(shop(), new Shop.PlacedOrder(orderNo, token, "60.00", "CNY"), "T-JOURNEY-" + lang).body())
                .isEqualTo("success");
        wait(30).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#keys code.key"), 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, orderNo)));

        // the owner sees the sale on the dashboard and the order in the list
        browser.get(base() + "/admin");
        WebElement today = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".periods article.card")));
        assertThat(today.findElement(By.cssSelector("dd.number")).getText()).isEqualTo("1");
        assertThat(today.getText()).contains("60.00");
        Chromium.screenshot(browser, "admin-journey-dashboard-" + lang + "-" + size);
        browser.get(base() + "/admin/orders?sku=" + sku);
        WebElement row = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.linkText(orderNo)));
        row.click();

        // refunds it with a reason, after confirming
        WebElement reason = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("reason")));
        reason.sendKeys(lang.equals("zh") ? "买家重复购买" : "Bought twice by mistake");
        WebElement refundForm = reason.findElement(By.xpath("./ancestor::form"));
        refundForm.findElement(By.cssSelector("input[name=confirm]")).click();
        refundForm.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(60)).until(() -> "REFUNDED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, orderNo)));
        browser.get(base() + "/admin/orders/" + orderNo);
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("ol.timeline")));
        String timeline = browser.findElement(By.cssSelector("ol.timeline")).getText();
        assertThat(timeline).contains(lang.equals("zh") ? "买家重复购买" : "Bought twice by mistake");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(refunded);
        Chromium.screenshot(browser, "admin-journey-refunded-" + lang + "-" + size);

        // and the audit has every step under the owner
        List<String> audit = jdbc.queryForList("SELECT actor || ' ' || action || ' ' || subject FROM audit_event ORDER BY id",
                String.class);
        assertThat(audit).contains("admin category.create game-cards", "admin product.create " + sku,
                "admin product.image.set " + sku);
        assertThat(audit).anyMatch(entry -> entry.startsWith("admin ") && entry.contains("refund") && entry.endsWith(orderNo));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key k JOIN product p ON p.id = k.product_id "
                + "WHERE p.sku = ? AND k.status = 'SOLD'", Long.class, sku)).isZero();
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
