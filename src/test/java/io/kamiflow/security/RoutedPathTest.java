package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one spelling of a path the guards match on, and the spellings they refuse to guess at. */
class RoutedPathTest {

    @Test
    void encodedLettersAreDecodedAndOneTrailingSlashDropped() {
        assertThat(RoutedPath.of("/engine-rest/task/%37a/submit-form")).contains("/engine-rest/task/7a/submit-form");
        assertThat(RoutedPath.of("/api/%6Frders/A%2Db")).contains("/api/orders/A-b");
        assertThat(RoutedPath.of("/engine-rest/task/7a/submit-form/")).contains("/engine-rest/task/7a/submit-form");
        assertThat(RoutedPath.of("/a+b/%20")).contains("/a+b/ ");
        assertThat(RoutedPath.of("/")).contains("/");
        assertThat(RoutedPath.of("/Engine-Rest/TASK")).as("case is kept").contains("/Engine-Rest/TASK");
    }

    @Test
    void ambiguousSpellingsAreRefused() {
        for (String raw : new String[] {"//engine-rest/task", "/engine-rest//task", "/engine-rest/task//", "/x/./y", "/x/../y",
                "/x/%2E/y", "/x/%2e%2E/y", "/x;jsessionid=1/y", "/x/y;a=b", "/x%3Ba/y", "/x%2Fy", "/x%2fy", "/x%5Cy", "/x\\y",
                "/x%25y", "/x%00y", "/x%0Ay", "/x%zz", "/x%4", "x/y", ""}) {
            assertThat(RoutedPath.of(raw)).as(raw).isEmpty();
        }
    }
}
