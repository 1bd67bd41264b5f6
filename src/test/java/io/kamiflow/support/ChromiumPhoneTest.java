package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * A phone size is a true 390 x 844 CSS viewport (headless Chromium's own windows are at least 500 wide): when started,
 * when handed out again after a quit, from {@link Chromium#fresh}, and after {@link Chromium#resize} either way.
 */
class ChromiumPhoneTest {

    private static final String PAGE = "data:text/html,%3Cmeta%20name=viewport%20content=width=device-width%3Epage";

    @Test
    void aPhoneSizeIs390By844WhereverTheBrowserComesFrom() {
        WebDriver phone = Chromium.start("en-US,en", 390, 844);
        assertThat(viewport(phone)).isEqualTo("[390, 844]");
        phone.quit();
        WebDriver again = Chromium.start("en-US,en", 390, 844);
        try {
            assertThat(viewport(again)).as("a reused browser").isEqualTo("[390, 844]");
            Chromium.resize(again, 1400, 900);
            assertThat(viewport(again)).as("widened").startsWith("[1400, ");
            Chromium.resize(again, 390, 844);
            assertThat(viewport(again)).as("narrowed again").isEqualTo("[390, 844]");
        } finally {
            again.quit();
        }
        WebDriver fresh = Chromium.fresh("zh-CN,zh", 390, 844);
        try {
            assertThat(viewport(fresh)).as("a fresh browser").isEqualTo("[390, 844]");
        } finally {
            fresh.quit();
        }
    }

    private static String viewport(WebDriver driver) {
        driver.get(PAGE);
        return String.valueOf(((JavascriptExecutor) driver).executeScript("return [window.innerWidth, window.innerHeight]"));
    }
}
