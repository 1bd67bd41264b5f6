package io.kamiflow.cockpit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Ops in a real browser (headless Chromium, desktop window): an admin finds a delivered order under Cockpit's
 * "Orders" entry and reads its timeline; Cockpit users without the kamiflow-orders grant get no entry, support
 * not even Cockpit. Screenshots: cockpit-orders and cockpit-order-timeline.
 */
class OrdersPluginBrowserTest extends IntegrationTest {

    /** May open Cockpit, but has no kamiflow-orders grant. */
    private static final String VIEWER = "cockpit-viewer";
    private static final String VIEWER_PASSWORD = "cockpit-viewer-password";

    @Autowired
    IdentityService identity;
    @Autowired
    AuthorizationService authorizations;

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAdminFindsADeliveredOrderAndReadsItsTimeline() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "DEMO-KEY", "12.50", 5);
        Shop.PlacedOrder order = Shop.order(shop, "DEMO-KEY", 2, "you@example.com");
        Shop.order(shop, "DEMO-KEY", 1, "someone-else@example.com"); // still unpaid: the search must leave it out
        assertThat(Shop.pay(shop, order, "SANDBOX-" + order.orderNo()).body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        browser = Chromium.desktop();
        logIntoCockpit(ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD);
        wait(30).until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.kf-nav-orders"))).click();
        wait(30).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.kf-order-row"), 2));

        browser.findElement(By.cssSelector(".kf-search input[name=orderNo]")).sendKeys(order.orderNo());
        browser.findElement(By.cssSelector(".kf-search select[name=status]")).sendKeys("DELIVERED");
        browser.findElement(By.cssSelector(".kf-search-button")).click();
        wait(30).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.kf-order-row"), 1));
        WebElement row = browser.findElement(By.cssSelector("tr.kf-order-row"));
        assertThat(row.getAttribute("data-order-no")).isEqualTo(order.orderNo());
        assertThat(row.getText()).contains("DELIVERED", "25.00 CNY", "sandbox", "you@example.com");
        assertThat(browser.findElement(By.cssSelector(".kf-count")).getText()).startsWith("1 order");
        Chromium.screenshot(browser, "cockpit-orders");

        row.findElement(By.cssSelector("a.kf-order-link")).click();
        try {
            wait(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.kf-timeline")));
        } finally {
            Chromium.screenshot(browser, "cockpit-order-timeline"); // also when it failed: what the page showed
        }
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1400)); // the whole timeline
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Order " + order.orderNo());
        assertThat(browser.findElement(By.cssSelector(".kf-facts")).getText()).contains("DELIVERED");
        WebElement attempt = browser.findElement(By.cssSelector("tr.kf-event-delivery_attempt"));
        assertThat(attempt.getText()).contains("Delivery attempt 1", "sent (the mail server took it)", "you@example.com");
        assertThat(browser.findElement(By.cssSelector("table.kf-timeline")).getText())
                .contains("Order placed", "Payment received", "SANDBOX-" + order.orderNo(), "Keys claimed",
                        "Order fulfillment ended: completed");
        assertThat(browser.findElement(By.cssSelector(".kf-orders")).getText())
                .contains("No running process instance");
        Chromium.screenshot(browser, "cockpit-order-timeline");
    }

    @Test
    void cockpitUsersWithoutTheGrantGetNoOrdersEntryAndSupportNoCockpit() {
        cockpitViewer();
        browser = Chromium.desktop();
        logIntoCockpit(VIEWER, VIEWER_PASSWORD);
        // Cockpit itself is there (its own navigation), the Orders entry is not
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[cam-widget-header] a[href*='#/processes']")));
        awaitTheAccessCheck();
        assertThat(browser.findElements(By.cssSelector("a.kf-nav-orders"))).isEmpty();
        browser.get(base() + "/camunda/app/cockpit/default/#/orders");
        wait(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".kf-message-error")));
        assertThat(browser.findElement(By.cssSelector(".kf-message-error")).getText()).contains("kamiflow-orders");
        browser.quit();

        SupportDesk.ensureUser(identity);
        browser = Chromium.desktop();
        logIntoCockpit(SupportDesk.USER, SupportDesk.PASSWORD);
        wait(30).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"),
                "Wrong credentials, locked user or missing access rights to application")); // Cockpit's own refusal
        assertThat(browser.findElements(By.cssSelector("a.kf-nav-orders"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("form[name=signinForm]"))).as("Cockpit refuses support: the login stays")
                .isNotEmpty();
    }

    private void logIntoCockpit(String user, String password) {
        browser.get(base() + "/camunda/app/cockpit/default/");
        WebElement form = wait(30).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form[name=signinForm]")));
        form.findElement(By.cssSelector("input[type=text]")).sendKeys(user);
        form.findElement(By.cssSelector("input[type=password]")).sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /**
     * The entry appears after an asynchronous access check: waits until the browser has the check's answer (its
     * resource timing entry), then gives the page a moment to act on it, so a wrongly shown entry would be there.
     */
    private void awaitTheAccessCheck() {
        wait(30).until(driver -> (Boolean) ((JavascriptExecutor) driver).executeScript("return performance"
                + ".getEntriesByType('resource').some(e => e.name.includes('/plugin/orders/') && e.name.endsWith('/access'))"));
        ((JavascriptExecutor) browser).executeAsyncScript("setTimeout(arguments[arguments.length - 1], 300)");
    }

    private void cockpitViewer() {
        if (SupportDesk.ensureUser(identity, VIEWER, VIEWER_PASSWORD, null)) {
            Authorization cockpit = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
            cockpit.setUserId(VIEWER);
            cockpit.setResource(Resources.APPLICATION);
            cockpit.setResourceId("cockpit");
            cockpit.addPermission(Permissions.ACCESS);
            authorizations.saveAuthorization(cockpit);
        }
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
