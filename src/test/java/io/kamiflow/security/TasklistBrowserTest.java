package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.kamiflow.support.Chromium;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TasklistForms;
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
 * none of the calls Tasklist makes on the way (its refusal counter stays where it was). The form offers only the
 * decisions that can succeed in the task's situation. Screenshots: tasklist-review*.
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
        signIn();

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
        assertThat(offeredDecisions()).as("accepting can succeed: both decisions").containsExactly(
                "Accept and deliver the keys / 接受并发货", "Refund this payment / 退还这笔付款");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("Accept it to deliver the keys, or refund it.")
                .doesNotContain("此付款无法被接受");
        js("arguments[0].click()", refund);
        Chromium.screenshot(browser, "tasklist-review");
        phoneSized("退还这笔付款");
        assertThat(offeredDecisions()).hasSize(2);
        Chromium.screenshot(browser, "tasklist-review-phone");
        TasklistForms.complete(browser, "tasklist-review",
                () -> js("arguments[0].click()", browser.findElement(By.xpath("//label[contains(normalize-space(),'Refund this payment')]"))),
                () -> "REFUNDED".equals(orderStatus(order.orderNo())));
        pause(); // Tasklist reloads its list after completing
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo(SupportDesk.USER);
        Metrics after = Metrics.scrape(managementPort);
        assertThat(after.has(REFUSED)).as("the guard counts what it refuses").isTrue();
        assertThat(after.value(REFUSED)).as("calls of Tasklist the guard refused").isEqualTo(refusedBefore);
    }

    /**
     * A second payment of a paid order cannot be accepted: the rendered form offers refund alone (zh browser, desktop and
     * 390x844), and submitting it refunds that payment while the first one still pays the order.
     */
    @Test
    void whereAcceptingCannotSucceedTheFormOffersRefundAlone() {
        SupportDesk.ensureUser(identity);
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "TWICE", "20.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "TWICE", 1, "twice@example.com");
        Shop.pay(shop, order, "TWICE-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(orderStatus(order.orderNo())));
        Shop.pay(shop, order, "TWICE-2");
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery().count() == 1);
        double refusedBefore = Metrics.scrape(managementPort).value(REFUSED);

        browser = Chromium.start("zh-CN,zh", 1400, 900);
        signIn();
        wait(90).until(ExpectedConditions.elementToBeClickable(By.partialLinkText("Review payment for order " + order.orderNo())))
                .click();
        wait(20).until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Claim']"))).click();
        WebElement refund = wait(20).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//label[contains(normalize-space(),'退还这笔付款')]")));
        pause(); // the form shows its fields once the task's variables are in
        assertThat(offeredDecisions()).as("accepting cannot succeed: refund alone").containsExactly("Refund this payment / 退还这笔付款");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("此付款无法被接受").doesNotContain("接受并发货");
        js("arguments[0].click()", refund);
        Chromium.screenshot(browser, "tasklist-review-refund-only-zh");
        phoneSized("退还这笔付款");
        assertThat(offeredDecisions()).containsExactly("Refund this payment / 退还这笔付款");
        Chromium.screenshot(browser, "tasklist-review-refund-only-zh-phone");
        TasklistForms.complete(browser, "tasklist-review-refund-only",
                () -> js("arguments[0].click()", browser.findElement(By.xpath("//label[contains(normalize-space(),'退还这笔付款')]"))),
                () -> jdbc.queryForObject("SELECT refunded_at IS NOT NULL FROM payment WHERE trade_no = 'TWICE-2'", Boolean.class));
        assertThat(orderStatus(order.orderNo())).as("the first payment still pays it").isEqualTo("DELIVERED");
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete'", String.class))
                .isEqualTo("ReviewPayment: reviewDecision=refund");
        assertThat(Metrics.scrape(managementPort).value(REFUSED)).as("calls of Tasklist the guard refused").isEqualTo(refusedBefore);
    }

    /**
     * The same window at 390x844, the decision scrolled into view as an agent on a phone would (found again: Tasklist
     * lays the task out anew for a narrow window; each scrolling box on the way is scrolled).
     */
    private void phoneSized(String decisionLabel) {
        Chromium.resize(browser, 390, 844);
        pause();
        WebElement decision = browser.findElement(By.xpath("//label[contains(normalize-space(),'" + decisionLabel + "')]"));
        js("let el = arguments[0]; el.scrollIntoView({block: 'center'});"
                + "for (let box = el.parentElement; box; box = box.parentElement) {"
                + "  if (box.scrollHeight > box.clientHeight + 1) {"
                + "    box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3; } }",
                decision);
        pause();
    }

    private void signIn() {
        browser.get("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/");
        By signin = By.cssSelector("form[name=signinForm]");
        WebElement form;
        try {
            form = wait(90).until(ExpectedConditions.presenceOfElementLocated(signin));
        } catch (org.openqa.selenium.TimeoutException firstLoad) {
            // the application's first Tasklist load can stall on a loaded machine (seen at load 40): load it again, once
            browser.navigate().refresh();
            form = wait(120).until(ExpectedConditions.presenceOfElementLocated(signin));
        }
        form.findElement(By.cssSelector("input[type=text]")).sendKeys(SupportDesk.USER);
        form.findElement(By.cssSelector("input[type=password]")).sendKeys(SupportDesk.PASSWORD);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /** The labels of the decisions the rendered form offers (form-js renders a hidden field not at all). */
    @SuppressWarnings("unchecked")
    private List<String> offeredDecisions() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document.querySelectorAll("
                + "'input[type=radio]')).map(i => i.closest('label').textContent.trim())");
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
