package io.kamiflow.storefront;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.HandProducts;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TasklistForms;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The two journeys of issue 21's "done when", end to end on the running shop as a buyer and a support agent live
 * them, in Chinese on a desktop and in English on a 390 x 844 phone:
 * <ol>
 * <li>keys: browse the categories, search, buy two keys at the wholesale price with a coupon, watch the countdown, pay
 * (the sandbox gateway's signed notice, sent twice as gateways do), copy all keys, then find the order by email alone
 * from another browser (a fresh profile) through the link in the mail;</li>
 * <li>by hand: buy a top-up with its fields, support claims and completes <i>Fulfil by hand</i> in the real Tasklist,
 * the buyer sees the delivery on the order page and in the HTML mail (opened in the browser).</li>
 * </ol>
 * Each ends with the database: paid once at the discounted amount, the coupon used once, the keys on this order only;
 * the hand delivery stored once. One buyer Chromium (language and phone size switched through DevTools) and one
 * Tasklist Chromium serve the whole class; only "another browser" is started fresh. Screenshots journey-*.
 */
class BuyerJourneysBrowserTest extends IntegrationTest {

    private static final List<String> KEYS = List.of("GC100-7QX2M-9WPL4-RTZB8", "GC100-ZX81A-PQ7RT-LM3NB",
            "GC100-K4VCX-9KJHG-TTRWE", "GC100-PLMNB-2MQWE-3VDFG");

    private static WebDriver buyer;
    private static WebDriver support;
    private static boolean supportLoggedIn;

    @Autowired
    IdentityService identity;

    @AfterAll
    static void closeBrowsers() {
        for (WebDriver driver : new WebDriver[] {buyer, support}) {
            if (driver != null) {
                driver.quit();
            }
        }
        buyer = null;
        support = null;
        supportLoggedIn = false;
    }

    /** The shop's name and banner outlive the truncation: back to none, as the other tests expect. */
    @AfterEach
    void resetShop() {
        shop().admin("PUT", "/api/admin/shop", "application/json", "{\"announcementOn\": false}", Map.of("If-Match", "*"));
    }

    @BeforeEach
    void shopWithCatalogue() {
        ShopClient shop = shop();
        assertThat(shop.admin("PUT", "/api/admin/shop", "application/json", ShopClient.json(Map.of(
                "nameEn", "Key Corner", "nameZh", "钥匙角数卡", "announcementOn", true,
                "announcementEn", "Code **SALE20**: 20% off this week. From 2 game cards, each costs less.",
                "announcementZh", "本周优惠码 **SALE20** 八折；游戏点卡 2 件起享批发价。")), Map.of("If-Match", "*")).status()).isEqualTo(200);
        category(shop, "games", "Game cards", "游戏点卡", 1);
        category(shop, "software", "Software", "软件", 2);
        category(shop, "topups", "Top-ups", "代充", 3);
        Map<String, Object> card = product("GAME-100", "Game card 100", "游戏点卡 100 点", "10.00", "games");
        card.put("listPrice", "12.00");
        card.put("tiers", List.of(Map.of("minQuantity", 2, "unitPrice", "9.00")));
        card.put("usageNotesEn", "Redeem the key in the game's **Store** page.");
        card.put("usageNotesZh", "在游戏的 **商店** 页面兑换卡密。");
        create(shop, card);
        assertThat(shop.importKeys("GAME-100", String.join("\n", KEYS) + "\n").status()).isEqualTo(200);
        create(shop, product("GAME-50", "Game card 50", "游戏点卡 50 点", "5.00", "games"));
        shop.generateKeys("GAME-50", 3);
        create(shop, product("OFFICE", "Office 2024", "Office 2024 专业增强版", "129.00", "software"));
        shop.generateKeys("OFFICE", 2);
        create(shop, product("TOPUP", "Game top-up", "游戏代充", "30.00", "topups"));
        assertThat(HandProducts.setKind(shop, "TOPUP", "BY_HAND", HandProducts.GAME_FIELDS).status()).isEqualTo(200);
        assertThat(shop.admin("POST", "/api/admin/coupons", "application/json", ShopClient.json(Map.of(
                "code", "SALE20", "percentOff", 20, "maxUses", 10, "oncePerEmail", true))).status()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"zh, desktop", "en, phone"})
    void keysWithATierAndACouponPaidCopiedAndFoundByEmail(String lang, String device) throws Exception {
        boolean zh = lang.equals("zh");
        String shot = "journey-keys-" + lang + "-" + device + "-";
        String email = "keys-" + lang + "@example.com";
        WebDriver browser = buyer(lang, device);

        // the catalogue: one section per category, in the buyer's language
        browser.get(base() + "/");
        assertThat(browser.findElement(By.cssSelector(".top .brand")).getText()).isEqualTo(zh ? "钥匙角数卡" : "Key Corner");
        assertThat(browser.findElements(By.cssSelector("section.category")).stream().map(s -> s.getAttribute("data-category")))
                .containsExactly("games", "software", "topups");
        assertThat(browser.findElements(By.cssSelector("section.category h2")).stream().map(WebElement::getText))
                .containsExactlyElementsOf(zh ? List.of("游戏点卡", "软件", "代充") : List.of("Game cards", "Software", "Top-ups"));
        assertThat(skus(browser, "section[data-category='games'] li.product")).containsExactlyInAnyOrder("GAME-100", "GAME-50");
        assertThat(skus(browser, "section[data-category='software'] li.product")).containsExactly("OFFICE");
        WebElement card = browser.findElement(By.cssSelector("li[data-sku='GAME-100']"));
        assertThat(card.getText()).contains(zh ? "游戏点卡 100 点" : "Game card 100", "10.00", "12.00");
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "1-catalogue");

        // search by name
        browser.findElement(By.id("q")).sendKeys(zh ? "点卡" : "game card");
        browser.findElement(By.cssSelector("#search button[type=submit]")).click();
        wait(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("search-result")));
        assertThat(skus(browser, "li.product")).containsExactlyInAnyOrder("GAME-100", "GAME-50");
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "2-search");

        // two keys: the wholesale tier and the coupon
        browser.findElement(By.cssSelector("li[data-sku='GAME-100'] a")).click();
        wait(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("checkout")));
        assertThat(browser.findElement(By.id("tiers")).getText()).contains("2", "9.00");
        WebElement quantity = browser.findElement(By.id("quantity"));
        quantity.clear();
        quantity.sendKeys("2");
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("coupon")).sendKeys("sale20");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        // the form's prices follow the quantity and the coupon after a short pause: the shot shows what the buyer reads
        wait(browser, 30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("total"), "14.40"));
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "3-product");
        Chromium.click(browser, browser.findElement(By.id("buy")));

        // the pay page: the discount in words, the total, a countdown that runs
        wait(browser, 30).until(ExpectedConditions.urlContains("/orders/"));
        String orderNo = browser.findElement(By.id("order")).getAttribute("data-order-no");
        String token = browser.getCurrentUrl().replaceAll(".*[?&]token=([^&]+).*", "$1");
        assertThat(browser.findElement(By.id("discount")).getText()).contains("18.00", "SALE20", "3.60");
        assertThat(browser.findElement(By.cssSelector(".summary strong")).getText()).endsWith("14.40");
        assertThat(browser.findElement(By.id("status")).getText()).contains(zh ? "等待付款" : "Waiting for your payment");
        WebElement countdown = wait(browser, 10).until(ExpectedConditions.visibilityOfElementLocated(By.id("countdown")));
        assertThat(countdown.getText()).matches("1[45]:\\d\\d");
        String before = countdown.getText();
        await().atMost(Duration.ofSeconds(5)).until(() -> !countdown.getText().equals(before));
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "4-pay");

        // pay: the gateway's signed notice for the discounted amount, delivered twice as gateways retry
        Shop.PlacedOrder order = new Shop.PlacedOrder(orderNo, token, "14.40", "CNY");
        assertThat(Shop.pay(shop(), order, "T-" + orderNo).body()).isEqualTo("success");
        assertThat(Shop.pay(shop(), order, "T-" + orderNo).body()).isEqualTo("success");
        wait(browser, 30).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#keys code.key"), 2));
        List<String> shown = browser.findElements(By.cssSelector("#keys code.key")).stream()
                .map(key -> (String) js(browser).executeScript("return arguments[0].textContent.trim()", key)).toList();
        assertThat(shown).hasSize(2).doesNotHaveDuplicates().isSubsetOf(KEYS);
        assertThat(browser.findElement(By.id("usage-notes")).getText()).contains(zh ? "商店" : "Store");

        // copy all: what lands on the clipboard is the keys, one a line
        browser.findElement(By.id("copy-all")).click();
        wait(browser, 10).until(ExpectedConditions.textToBe(By.id("copy-all-done"), zh ? "已复制全部卡密" : "All keys copied"));
        String clipboard = (String) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, (e) => done('failed: ' + e));");
        assertThat(clipboard).isEqualTo(String.join("\n", shown));
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "5-keys-copied");
        awaitDelivered(orderNo);
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email) == 1);

        // the database: paid once at the discounted amount, the coupon used once, these two keys on this order only
        assertThat(jdbc.queryForList("SELECT amount_minor FROM payment WHERE order_no = ?", Long.class, orderNo)).containsExactly(1440L);
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM customer_order WHERE order_no = ?", Long.class, orderNo)).isEqualTo(1440L);
        assertThat(jdbc.queryForList("SELECT r.list_minor || '-' || r.discount_minor || '-' || (r.released_at IS NULL) FROM coupon_redemption r "
                + "JOIN customer_order o ON o.id = r.order_id WHERE o.order_no = ?", String.class, orderNo)).containsExactly("1800-360-true");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM coupon_redemption", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT o.order_no FROM card_key k JOIN customer_order o ON o.id = k.order_id",
                String.class)).containsExactly(orderNo, orderNo);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(2);
        assertThat(shop().admin("GET", "/api/admin/coupons/SALE20", null, null).json().get("uses").asInt()).isEqualTo(1);

        // another browser, nothing of this one in it: the order by email alone, through the mailed link
        TestMail.get().purgeEmailFromAllMailboxes();
        WebDriver other = fresh(lang, device);
        try {
            other.get(base() + "/find-order");
            other.findElement(By.id("list-email")).sendKeys(email);
            Chromium.click(other, other.findElement(By.id("find-list")));
            assertThat(wait(other, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("list-sent"))).getText())
                    .startsWith(zh ? "如果该邮箱有订单" : "If there are orders for this email");
            fitsTheScreen(other);
            Chromium.screenshot(other, shot + "6-find-by-email");
            await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email) == 1);
            MimeMessage mail = TestMail.get().getReceivedMessagesForDomain(email)[0];
            assertThat(mail.getSubject()).contains(zh ? "您的订单" : "Your orders");
            Matcher link = Pattern.compile("https://shop\\.example\\.test(/my-orders\\S+)").matcher(TestMail.part(mail, "text/plain"));
            assertThat(link.find()).as("the list link in the mail").isTrue();
            other.get(base() + link.group(1));
            assertThat(other.findElement(By.cssSelector(".top .brand")).getText()).isEqualTo(zh ? "钥匙角数卡" : "Key Corner");
            assertThat(other.findElements(By.cssSelector(".order-row"))).hasSize(1);
            assertThat(other.findElement(By.id("my-orders")).getText()).contains(orderNo).doesNotContain(shown.get(0), shown.get(1));
            fitsTheScreen(other);
            Chromium.screenshot(other, shot + "7-my-orders");
            other.findElement(By.cssSelector(".order-row[data-order-no='" + orderNo + "'] a")).click();
            wait(other, 30).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#keys code.key"), 2));
            assertThat(other.findElements(By.cssSelector("#keys code.key")).stream()
                    .map(key -> (String) js(other).executeScript("return arguments[0].textContent.trim()", key)))
                    .containsExactlyElementsOf(shown);
            Chromium.screenshot(other, shot + "8-order-in-another-browser");
        } finally {
            other.quit();
        }
        assertThat(jdbc.queryForList("SELECT amount_minor FROM payment WHERE order_no = ?", Long.class, orderNo)).containsExactly(1440L);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"zh, desktop", "en, phone"})
    void aTopUpFulfilledBySupportInTasklist(String lang, String device) throws Exception {
        boolean zh = lang.equals("zh");
        String shot = "journey-byhand-" + lang + "-" + device + "-";
        String email = "topup-" + lang + "@example.com";
        String delivered = zh ? "充值成功，充值单号 CZ-20261205-0001" : "Topped up: receipt CZ-20261205-0001";
        SupportDesk.ensureUser(identity);
        openTasklist(); // its first load takes a while: it runs beside the buyer's steps
        WebDriver browser = buyer(lang, device);

        // the buyer finds the top-up in its category and gives the game account
        browser.get(base() + "/");
        WebElement topups = browser.findElement(By.cssSelector("section[data-category='topups']"));
        assertThat(topups.getText()).contains(zh ? "游戏代充" : "Game top-up");
        Chromium.click(browser, topups.findElement(By.cssSelector("li[data-sku='TOPUP'] a")));
        wait(browser, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("byhand-fields")));
        assertThat(browser.findElement(By.id("byhand-fields")).getText()).contains(zh ? "游戏账号" : "Game account id");
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("field_account")).sendKeys("123456789");
        browser.findElement(By.id("field_server")).sendKeys("Asia-1");
        Chromium.click(browser, browser.findElement(By.id("channel-sandbox")));
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "1-product");
        Chromium.click(browser, browser.findElement(By.id("buy")));
        wait(browser, 30).until(ExpectedConditions.urlContains("/orders/"));
        String orderNo = browser.findElement(By.id("order")).getAttribute("data-order-no");
        String token = browser.getCurrentUrl().replaceAll(".*[?&]token=([^&]+).*", "$1");
        assertThat(browser.findElement(By.id("status")).getText()).contains(zh ? "等待付款" : "Waiting for your payment");
        assertThat(browser.findElement(By.id("countdown")).getText()).matches("1[45]:\\d\\d");

        Shop.PlacedOrder order = new Shop.PlacedOrder(orderNo, token, "30.00", "CNY");
        assertThat(Shop.pay(shop(), order, "T-" + orderNo).body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(orderNo).count() == 1);
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("status")).getText())
                .contains(zh ? "客服正在根据您填写的信息处理订单" : "Our support team is fulfilling your order");
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "2-paid");

        // support: the real Tasklist, claim, read what the buyer entered, deliver
        WebDriver agent = tasklist("Fulfil by hand for order " + orderNo);
        wait(agent, 30).until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Claim']"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> SupportDesk.USER.equals(
                engine.getTaskService().createTaskQuery().processInstanceBusinessKey(orderNo).singleResult().getAssignee()));
        wait(agent, 30).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//label[contains(normalize-space(),'Fulfilled: send the buyer')]")));
        wait(agent, 30).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "30.00 CNY"));
        assertThat(agent.findElement(By.tagName("body")).getText()).contains("30.00 CNY", "sandbox", "T-" + orderNo);
        assertThat(agent.findElement(By.xpath("//label[contains(normalize-space(),'What the buyer entered')]/following::textarea[1]"))
                .getAttribute("value")).contains("123456789", "Asia-1");
        TasklistForms.complete(agent, shot + "3-tasklist", () -> {
            Chromium.click(agent, agent.findElement(By.xpath("//label[contains(normalize-space(),'Fulfilled: send the buyer')]")));
            TasklistForms.type(agent, "What the buyer receives", delivered);
            TasklistForms.type(agent, "Note for the order", "topped up in the game's console");
            Chromium.screenshot(agent, shot + "3-tasklist");
        }, () -> "DELIVERED".equals(orderStatus(orderNo)));

        // the buyer: the delivery on the order page, then in the HTML mail
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("status")).getText()).contains(zh ? "已完成" : "Fulfilled");
        assertThat(browser.findElement(By.id("delivery-text")).getText()).isEqualTo(delivered);
        fitsTheScreen(browser);
        Chromium.screenshot(browser, shot + "4-delivered");
        await().atMost(Duration.ofSeconds(30)).until(() -> mailsTo(email) == 1);
        MimeMessage mail = TestMail.get().getReceivedMessagesForDomain(email)[0];
        assertThat(mail.getSubject()).contains(zh ? "已发货" : orderNo);
        assertThat(TestMail.part(mail, "text/plain")).contains(delivered);
        String html = TestMail.part(mail, "text/html");
        assertThat(html).contains(delivered, zh ? "lang=\"zh-CN\"" : "lang=\"en\"");
        Path file = Path.of("target", "journey-mail-" + lang + ".html").toAbsolutePath();
        write(file, html);
        browser.get(file.toUri().toString());
        assertThat(browser.findElement(By.tagName("body")).getText()).contains(delivered, orderNo, zh ? "钥匙角数卡" : "Key Corner");
        Chromium.screenshot(browser, shot + "5-mail");

        // the database: paid once, the delivery stored once by the agent, the buyer's fields kept with the order
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.getRuntimeService().createProcessInstanceQuery()
                .processInstanceBusinessKey(orderNo).count() == 0);
        assertThat(jdbc.queryForList("SELECT amount_minor FROM payment WHERE order_no = ?", Long.class, orderNo)).containsExactly(3000L);
        assertThat(jdbc.queryForList("SELECT h.delivered_by FROM hand_delivery h JOIN customer_order o ON o.id = h.order_id "
                + "WHERE o.order_no = ?", String.class, orderNo)).containsExactly(SupportDesk.USER);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM hand_delivery", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE order_id IS NOT NULL", Integer.class)).isZero();
        assertThat(jdbc.queryForList("SELECT f.value FROM order_field f JOIN customer_order o ON o.id = f.order_id "
                + "WHERE o.order_no = ? ORDER BY f.field_key", String.class, orderNo)).containsExactly("123456789", "Asia-1");
        assertThat(mailsTo(email)).isEqualTo(1);
    }

    /** The class's buyer Chromium, emptied of this shop's cookies and storage, speaking {@code lang} at this size. */
    private WebDriver buyer(String lang, String device) {
        if (buyer == null) {
            buyer = Chromium.start("en-US,en", 1400, 900);
        }
        ChromeDriver chrome = (ChromeDriver) buyer;
        chrome.executeCdpCommand("Network.enable", Map.of());
        chrome.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        chrome.get(base() + "/favicon.ico"); // an origin to clear and to grant the clipboard to
        chrome.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", base(), "storageTypes", "all"));
        chrome.executeCdpCommand("Browser.grantPermissions", Map.of("origin", base(),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        String userAgent = (String) chrome.executeScript("return navigator.userAgent");
        boolean zh = lang.equals("zh");
        chrome.executeCdpCommand("Emulation.setUserAgentOverride", Map.of("userAgent", userAgent,
                "acceptLanguage", zh ? "zh-CN,zh" : "en-US,en"));
        size(chrome, device);
        return buyer;
    }

    /** Another browser: a fresh Chromium profile at the buyer's language and size. */
    private static WebDriver fresh(String lang, String device) {
        WebDriver driver = Chromium.fresh(lang.equals("zh") ? "zh-CN,zh" : "en-US,en", 1400, 900);
        size((ChromeDriver) driver, device);
        return driver;
    }

    /**
     * Headless Chromium keeps its window at least 500 pixels wide: a phone's 390 x 844 viewport is emulated as DevTools'
     * device mode does (Chromium.resize).
     */
    private static void size(ChromeDriver chrome, String device) {
        if (device.equals("phone")) {
            Chromium.resize(chrome, 390, 844);
        } else {
            Chromium.resize(chrome, 1400, 900);
        }
    }

    /** The class's Tasklist Chromium (desktop, English), started and pointed at Tasklist once. */
    private void openTasklist() {
        if (support == null) {
            support = Chromium.desktop();
            support.get(base() + "/camunda/app/tasklist/default/");
        }
    }

    /** Tasklist as the support agent (logging in on first use), with the task named {@code task} opened from the list. */
    private WebDriver tasklist(String task) {
        openTasklist();
        if (supportLoggedIn) {
            support.get(base() + "/camunda/app/tasklist/default/"); // the list as it is now
        } else {
            WebElement login = signinForm();
            login.findElement(By.cssSelector("input[type=text]")).sendKeys(SupportDesk.USER);
            login.findElement(By.cssSelector("input[type=password]")).sendKeys(SupportDesk.PASSWORD);
            login.findElement(By.cssSelector("button[type=submit]")).click();
            supportLoggedIn = true;
        }
        wait(support, 120).until(ExpectedConditions.elementToBeClickable(By.partialLinkText(task))).click();
        return support;
    }

    /**
     * Tasklist's login form. The app's first load of a run, on a loaded machine, at times never shows the form (seen: more
     * than three minutes) where loading the page again shows it within one: it is loaded again then, as a person would.
     */
    private static WebElement signinForm() {
        By form = By.cssSelector("form[name=signinForm]");
        for (int attempt = 1; ; attempt++) {
            try {
                return wait(support, 60).until(ExpectedConditions.visibilityOfElementLocated(form));
            } catch (org.openqa.selenium.TimeoutException stuck) {
                write(Path.of("target", "tasklist-stuck-" + attempt + ".html"), support.getPageSource()); // to see why
                if (attempt == 3) {
                    throw stuck;
                }
                support.navigate().refresh();
            }
        }
    }

    private static void category(ShopClient shop, String slug, String nameEn, String nameZh, int position) {
        assertThat(shop.admin("POST", "/api/admin/categories", "application/json", ShopClient.json(Map.of(
                "slug", slug, "nameEn", nameEn, "nameZh", nameZh, "position", position))).status()).isEqualTo(201);
    }

    private static Map<String, Object> product(String sku, String name, String nameZh, String price, String category) {
        return new LinkedHashMap<>(Map.of("sku", sku, "name", name, "nameZh", nameZh, "price", price, "currency", "CNY",
                "stockDisplay", "EXACT", "category", category));
    }

    private static void create(ShopClient shop, Map<String, Object> product) {
        ShopClient.Response created = shop.admin("POST", "/api/admin/products", "application/json", ShopClient.json(product));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private static List<String> skus(WebDriver driver, String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(li -> li.getAttribute("data-sku")).toList();
    }

    private static void fitsTheScreen(WebDriver driver) {
        Object overflow = js(driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).longValue()).as("wider than the screen").isLessThanOrEqualTo(0);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JavascriptExecutor js(WebDriver driver) {
        return (JavascriptExecutor) driver;
    }

    private static WebDriverWait wait(WebDriver driver, int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
