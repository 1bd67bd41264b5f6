package io.kamiflow.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.awaitility.core.ConditionTimeoutException;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Fills and completes a task's form in the real Tasklist. Tasklist polls the task and may render its form again while a
 * test types (a variable set when keys arrive, say), dropping what was entered, and a click on Complete then does
 * nothing a test can see. So the fill runs, Complete is clicked once enabled, and when the outcome has not come within
 * 20 s the form is filled and completed once more (the outcome is the engine's, so a completion that went through is
 * never submitted twice: its form is gone). A failure carries the page's text (Tasklist's notifications say why).
 */
public final class TasklistForms {

    private static final By COMPLETE = By.xpath("//button[normalize-space()='Complete']");

    private TasklistForms() {
    }

    public static void complete(WebDriver driver, String shot, Runnable fill, BooleanSupplier done) {
        fill.run();
        clickComplete(driver);
        try {
            await().atMost(Duration.ofSeconds(20)).until(done::getAsBoolean);
            return;
        } catch (ConditionTimeoutException first) {
            Chromium.screenshot(driver, shot + "-not-completed");
            if (!driver.findElements(COMPLETE).isEmpty()) {
                fill.run();
                clickComplete(driver);
            }
        }
        try {
            await().atMost(Duration.ofSeconds(40)).until(done::getAsBoolean);
        } catch (ConditionTimeoutException second) {
            String page = driver.findElement(By.tagName("body")).getText();
            throw new AssertionError("the task's form did not complete; the page says: "
                    + page.substring(0, Math.min(page.length(), 3000)), second);
        }
    }

    /** Types {@code text} into the form's textarea under the label containing {@code label}, replacing what it held. */
    public static void type(WebDriver driver, String label, String text) {
        WebElement field = driver.findElement(By.xpath("//label[contains(normalize-space(),'" + label + "')]/following::textarea[1]"));
        field.clear();
        field.sendKeys(text);
    }

    private static void clickComplete(WebDriver driver) {
        WebElement complete = new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.elementToBeClickable(COMPLETE));
        Chromium.click(driver, complete);
    }
}
