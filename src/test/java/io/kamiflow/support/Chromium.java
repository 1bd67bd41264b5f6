package io.kamiflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium (Debian packages chromium and chromium-driver, which .ci/run installs), driven
 * by Selenium through /usr/bin/chromedriver with a fresh profile. Selenium is never asked to find or download a browser.
 * Shared by the storefront's (phone-sized) and the Cockpit plugin's (desktop-sized) browser tests.
 */
public final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * target/screenshots by default, so a test run never changes tracked files; refresh the README's pictures with
     * -Dkamiflow.screenshots=docs/screenshots.
     */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("kamiflow.screenshots", "target/screenshots"));

    private Chromium() {
    }

    /** A phone-sized window whose requests send {@code acceptLanguage}. */
    public static WebDriver start(String acceptLanguage) {
        return start(acceptLanguage, 420, 1000);
    }

    /** A desktop window (Cockpit is laid out for one). */
    public static WebDriver desktop() {
        return start("en-US,en", 1400, 900);
    }

    /** A window of this size whose requests send {@code acceptLanguage} (desktop 1400 x 900, phone 390 x 844). */
    public static WebDriver start(String acceptLanguage, int width, int height) {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("the browser tests need " + BINARY + " and " + DRIVER
                    + ": apt-get install chromium chromium-driver (bash .ci/run does)");
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("kamiflow-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=" + acceptLanguage.split(",")[0]);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguage));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Saves what the browser shows as {name}.png under {@link #SCREENSHOTS}. */
    public static void screenshot(WebDriver driver, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
