package io.kamiflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;

/**
 * The system's headless Chromium (Debian packages chromium and chromium-driver, which .ci/run installs), driven
 * by Selenium through /usr/bin/chromedriver with a fresh profile, kept for the next test that asks for the same
 * language and size (emptied first). Selenium is never asked to find or download a browser.
 * Shared by all browser tests, phone-sized (emulated 390 x 844) and desktop-sized.
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

    /** A phone's CSS viewport (an iPhone 12 to 15's): any size narrower than {@link #PHONE_BELOW} means this one. */
    public static final int PHONE_WIDTH = 390;
    public static final int PHONE_HEIGHT = 844;
    /**
     * Headless Chromium keeps its window at least 500 pixels wide (a 390 x 844 window renders at 500 x 701), so a
     * phone's viewport is emulated as DevTools' device mode does (deviceScaleFactor 1, mobile, desktop UA: as the
     * journeys always did); widths below this are phones.
     */
    static final int PHONE_BELOW = 500;

    /** A phone (390 x 844) whose requests send {@code acceptLanguage}. */
    public static WebDriver start(String acceptLanguage) {
        return start(acceptLanguage, PHONE_WIDTH, PHONE_HEIGHT);
    }

    /** A desktop window (Cockpit is laid out for one). */
    public static WebDriver desktop() {
        return start("en-US,en", 1400, 900);
    }

    /**
     * A window of this size whose requests send {@code acceptLanguage} (desktop 1400 x 900, phone 390 x 844). It may be
     * one an earlier test quit with these same settings: starting Chromium costs over a second, and the browser tests
     * start it some fifty times a run. Such a browser comes in a new tab, without cookies, storage or cache (see
     * {@link Reusable#quit()}); one whose browser-wide settings a test changed is never handed out again.
     */
    public static WebDriver start(String acceptLanguage, int width, int height) {
        String settings = acceptLanguage + " " + width + "x" + height;
        synchronized (IDLE) {
            Deque<Reusable> idle = IDLE.get(settings);
            if (idle != null && !idle.isEmpty()) {
                Reusable driver = idle.pop();
                driver.idle = false;
                return emulate(driver, width, height); // its new tab has no emulation
            }
        }
        Reusable driver = new Reusable(service(), options(acceptLanguage, width, height), settings);
        driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD);
        driver.launchSize = driver.manage().window().getSize();
        return emulate(driver, width, height);
    }

    /** A browser no test has used before, with a profile of its own: "another browser" of a buyer. Quit means quit. */
    public static WebDriver fresh(String acceptLanguage, int width, int height) {
        ChromeDriver driver = new ChromeDriver(service(), options(acceptLanguage, width, height));
        driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD);
        return emulate(driver, width, height);
    }

    /**
     * Clicks {@code element} where it is when the click happens: scrolled to the middle of the view and clicked in the
     * page. WebDriver's own click aims at coordinates taken before it scrolls; a page whose layout moves meanwhile (the
     * buy form's live quote adds its discount line) lets that click land beside the button, and nothing is submitted
     * (seen in CI on a phone).
     */
    public static void click(WebDriver driver, WebElement element) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()",
                element);
    }

    /**
     * Until {@code old}, found on the page before a form was sent, is no longer in the page shown. Waiting for an
     * element both pages have, without this, may read the old page's while it is replaced, and Chromium then answers
     * "Node with given id does not belong to the document" (an unknown error, not a stale element: seen in CI).
     */
    public static ExpectedCondition<Boolean> replaced(WebElement old) {
        return driver -> {
            try {
                old.isEnabled();
                return false;
            } catch (StaleElementReferenceException | NoSuchElementException gone) {
                return true;
            } catch (WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        };
    }

    /**
     * Lays the open tab out at this size, the page shown included (a phone size means 390 x 844, emulated; a desktop
     * size a window of that size): use this, not {@code manage().window().setSize}, which cannot make a phone.
     */
    public static void resize(WebDriver driver, int width, int height) {
        if (width < PHONE_BELOW) {
            emulatePhone((ChromeDriver) driver);
        } else {
            ((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            driver.manage().window().setSize(new Dimension(width, height));
        }
    }

    /**
     * A phone size: the new tab's viewport made a phone's 390 x 844 and checked on a page laid out for the device's
     * width, so that a phone test can never again run in a 500-pixel window unnoticed.
     */
    private static <D extends ChromeDriver> D emulate(D driver, int width, int height) {
        if (width >= PHONE_BELOW) {
            return driver;
        }
        emulatePhone(driver);
        driver.get("data:text/html,%3Cmeta%20name=viewport%20content=width=device-width%3Ephone");
        Object viewport = driver.executeScript("return [window.innerWidth, window.innerHeight]");
        if (!List.of(PHONE_WIDTH, PHONE_HEIGHT).toString().equals(String.valueOf(viewport))) {
            if (driver instanceof Reusable reusable) {
                reusable.quitForGood();
            } else {
                driver.quit();
            }
            throw new IllegalStateException("a phone's viewport is 390 x 844, this Chromium's " + viewport);
        }
        return driver;
    }

    private static void emulatePhone(ChromeDriver driver) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", PHONE_WIDTH,
                "height", PHONE_HEIGHT, "deviceScaleFactor", 1, "mobile", true));
    }

    private static ChromeDriverService service() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("the browser tests need " + BINARY + " and " + DRIVER
                    + ": apt-get install chromium chromium-driver (bash .ci/run does)");
        }
        return new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    }

    private static ChromeOptions options(String acceptLanguage, int width, int height) {
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
        return options;
    }

    private static final Duration PAGE_LOAD = Duration.ofSeconds(30);

    /** Browsers quit by their tests, by launch settings; quit for good when the JVM ends. */
    private static final Map<String, Deque<Reusable>> IDLE = new HashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (IDLE) {
                IDLE.values().forEach(idle -> idle.forEach(Reusable::quitForGood));
                IDLE.clear();
            }
        }, "chromium-quit"));
    }

    /** DevTools commands whose effect ends with the tab (a quit browser gets a new one) or that only clear. */
    private static final Set<String> TAB_ONLY = Set.of("Emulation.setDeviceMetricsOverride",
            "Emulation.clearDeviceMetricsOverride", "Emulation.setUserAgentOverride", "Network.enable",
            "Network.clearBrowserCookies", "Network.clearBrowserCache", "Storage.clearDataForOrigin");

    /**
     * A Chromium whose {@link #quit()} empties it and keeps it for the next test with the same settings: the tab is
     * replaced by a new one (no page, session storage or DevTools emulation left), every cookie and the cache are
     * cleared, and so are the storages of the origins it was sent to. A browser a test resized, or changed through a
     * DevTools command that outlives the tab (permissions, say), or that fails to be emptied, is quit for good.
     */
    static final class Reusable extends ChromeDriver {

        private final String settings;
        private final Set<String> origins = new HashSet<>();
        private Dimension launchSize;
        private boolean changedForGood;
        private boolean idle;

        Reusable(ChromeDriverService service, ChromeOptions options, String settings) {
            super(service, options);
            this.settings = settings;
        }

        @Override
        public void get(String url) {
            URI uri = URI.create(url);
            if (uri.getScheme() != null && uri.getScheme().startsWith("http") && uri.getAuthority() != null) {
                origins.add(uri.getScheme() + "://" + uri.getAuthority());
            }
            super.get(url);
        }

        @Override
        public Map<String, Object> executeCdpCommand(String commandName, Map<String, Object> parameters) {
            if (!TAB_ONLY.contains(commandName)) {
                changedForGood = true;
            }
            return super.executeCdpCommand(commandName, parameters);
        }

        @Override
        public void quit() {
            if (idle) {
                return; // quit twice by its test: kept once
            }
            try {
                if (changedForGood || !manage().window().getSize().equals(launchSize)) {
                    quitForGood();
                    return;
                }
                switchTo().newWindow(WindowType.TAB);
                String fresh = getWindowHandle();
                for (String handle : getWindowHandles()) {
                    if (!handle.equals(fresh)) {
                        switchTo().window(handle).close();
                    }
                }
                switchTo().window(fresh);
                super.executeCdpCommand("Network.clearBrowserCookies", Map.of());
                super.executeCdpCommand("Network.clearBrowserCache", Map.of());
                for (String origin : origins) {
                    super.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
                }
                origins.clear();
                manage().timeouts().pageLoadTimeout(PAGE_LOAD).scriptTimeout(Duration.ofSeconds(30)).implicitlyWait(Duration.ZERO);
                if (getWindowHandles().size() != 1) {
                    quitForGood();
                    return;
                }
            } catch (RuntimeException notEmptied) {
                quitForGood();
                return;
            }
            synchronized (IDLE) {
                idle = true;
                IDLE.computeIfAbsent(settings, s -> new ArrayDeque<>()).push(this);
            }
        }

        void quitForGood() {
            idle = true; // never handed out again: it is not in IDLE
            try {
                super.quit();
            } catch (RuntimeException alreadyGone) {
                // nothing left to quit
            }
        }
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
