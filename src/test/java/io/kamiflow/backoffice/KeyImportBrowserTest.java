package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.kamiflow.inventory.KeyFingerprinter;
import io.kamiflow.inventory.KeyImportService;
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
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The owner imports a file of 12,000 keys in a real browser, in Chinese and English, on a desktop and a phone: the
 * progress bar shows the server's count while the import is held after its first chunk (a key of the second chunk
 * locked by another transaction), then the report page opens. Screenshots keyimport-progress-* and keyimport-report-*.
 */
class KeyImportBrowserTest extends IntegrationTest {

    private static final int KEYS = 12_000;

    @Autowired
    KeyFingerprinter fingerprinter;

    @Autowired
    DataSource dataSource;

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String key(int i) {
        return "STEAM-" + String.format("%05d", i) + "-" + Integer.toString(i * 104729, 36).toUpperCase() + "-GIFT";
    }

    /**
     * Pairwise: Chinese on a phone and English on a desktop, so the progress bar and the report are seen in both
     * languages and at both sizes (BackOfficeJourneyBrowserTest reads an import's report in the other two combinations).
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"zh-CN, 390, 844, 卡密导入结果, 正在导入", "en, 1400, 900, Keys imported, Importing"})
    void theProgressBarFollowsTheImportThenTheReportOpens(String language, int width, int height, String reportTitle,
                                                         String importing) throws Exception {
        Shop.productWithKeys(shop(), "STEAM-50", "50.00", 0);
        long productId = jdbc.queryForObject("SELECT id FROM product WHERE sku = 'STEAM-50'", Long.class);
        String size = width > 800 ? "desktop" : "phone";
        String lang = language.startsWith("zh") ? "zh" : "en";
        Path file = Files.createTempFile("steam-keys", ".txt");
        Files.writeString(file, IntStream.rangeClosed(1, KEYS).mapToObj(i -> i == 8 ? "BAD\u0007" : key(i))
                .collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
        browser = Chromium.start(language, width, height);

        browser.get(base() + "/admin/products/STEAM-50");
        browser.findElement(By.id("username")).sendKeys(ShopClient.ADMIN_USER);
        browser.findElement(By.id("password")).sendKeys(ShopClient.ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.id("import-form")));
        assertThat(browser.findElement(By.id("import-progress")).isDisplayed()).isFalse();

        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement hold = other.prepareStatement("""
                    INSERT INTO card_key (product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id)
                    VALUES (?, ?, 'held', ?, 'AVAILABLE', 'held-by-test')""")) {
                hold.setLong(1, productId);
                hold.setBytes(2, new byte[] {1, 2, 3});
                hold.setString(3, fingerprinter.fingerprint(key(7000)));
                hold.executeUpdate();
            }
            browser.findElement(By.id("file")).sendKeys(file.toString());
            browser.findElement(By.cssSelector("#import button[type=submit]")).click();
            wait(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-status"), "5,000"));
            WebElement bar = browser.findElement(By.id("import-bar"));
            assertThat(bar.isDisplayed()).isTrue();
            assertThat(bar.getAttribute("value")).isEqualTo(String.valueOf(KeyImportService.CHUNK));
            assertThat(bar.getAttribute("max")).isEqualTo(String.valueOf(KEYS - 1));
            assertThat(browser.findElement(By.id("import-status")).getText()).contains(importing, "5,000", "11,999");
            assertThat(browser.findElement(By.cssSelector("#import button[type=submit]")).isEnabled()).isFalse();
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "document.getElementById('import-progress').scrollIntoView({block: 'center'})");
            Chromium.screenshot(browser, "keyimport-progress-" + lang + "-" + size);
            other.rollback();
        }

        wait(60).until(ExpectedConditions.textToBe(By.tagName("h1"), reportTitle));
        assertThat(browser.findElement(By.id("imported")).getText()).isEqualTo(String.valueOf(KEYS - 1));
        assertThat(browser.findElement(By.id("rejected")).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("8").doesNotContain("STEAM-0");
        assertThat(browser.getCurrentUrl()).contains("/admin/products/STEAM-50/import?id=").doesNotContain("_csrf");
        Chromium.screenshot(browser, "keyimport-report-" + lang + "-" + size);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isEqualTo(KEYS - 1);
        Files.delete(file);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
