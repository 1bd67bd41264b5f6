package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The support allowlist lets Tasklist do its work: in a real browser (headless Chromium) an agent logs in, opens
 * a Review payment task, claims it, looks at its history and diagram, and completes the form; the guard refuses
 * none of the calls Tasklist makes on the way (its refusal counter stays where it was). Screenshot: tasklist-review.
 */
class TasklistBrowserTest extends IntegrationTest {

    static final String REFUSED = "kamiflow_camunda_api_refused_total";

    @Autowired
    IdentityService identity;
    @LocalManagementPort
    int managementPort;

    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void supportWorksAReviewTaskInTasklistWithoutOneRefusedCall() {
        SupportDesk.ensureUser(identity);
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "TASKLIST", "20.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "TASKLIST", 1, "tasklist@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "TASKLIST-1", "2.00", "CNY")); // wrong amount
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery().count() == 1);
        double refusedBefore = Metrics.scrape(managementPort).value(REFUSED);

        browser = Chromium.desktop();
        browser.get("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/");
        WebElement form = wait(60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form[name=signinForm]")));
        form.findElement(By.cssSelector("input[type=text]")).sendKeys(SupportDesk.USER);
        form.findElement(By.cssSelector("input[type=password]")).sendKeys(SupportDesk.PASSWORD);
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // Tasklist's first load compiles its whole app: minutes-long waits only on a loaded machine, never a hang
        wait(90).until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Review payment for order " + order.orderNo())))
                .click();
        wait(20).until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Claim']"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> SupportDesk.USER.equals(
                engine.getTaskService().createTaskQuery().singleResult().getAssignee()));
        for (String tab : new String[] {"History", "Diagram", "Description", "Form"}) {
            wait(10).until(ExpectedConditions.elementToBeClickable(By.linkText(tab))).click();
            pause();
        }
        WebElement refund = wait(20).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//label[contains(normalize-space(),'Refund this payment')]")));
        js("arguments[0].click()", refund);
        Chromium.screenshot(browser, "tasklist-review");
        js("arguments[0].click()", browser.findElement(By.xpath("//button[normalize-space()='Complete']")));

        await().atMost(Duration.ofSeconds(30)).until(() -> "REFUNDED".equals(orderStatus(order.orderNo())));
        pause(); // Tasklist reloads its list after completing
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo(SupportDesk.USER);
        Metrics after = Metrics.scrape(managementPort);
        assertThat(after.has(REFUSED)).as("the guard counts what it refuses").isTrue();
        assertThat(after.value(REFUSED)).as("calls of Tasklist the guard refused").isEqualTo(refusedBefore);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private void js(String script, WebElement element) {
        ((JavascriptExecutor) browser).executeScript(script, element);
    }

    /** Tasklist loads each tab's data asynchronously: give it the time to make its calls. */
    private static void pause() {
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
