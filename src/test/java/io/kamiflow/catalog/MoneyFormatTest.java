package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** What a person reads, pinned: the formatters behind it are reused across calls and threads (docs/performance.md). */
class MoneyFormatTest {

    private static final Locale ZH = Locale.forLanguageTag("zh-CN");

    @Test
    void writesTheAmountInItsCurrencyTheWayTheLanguageWritesMoney() {
        assertThat(MoneyFormat.format(new Money(1250, "CNY"), Locale.ENGLISH)).isEqualTo("CN¥12.50");
        assertThat(MoneyFormat.format(new Money(1250, "CNY"), ZH)).isEqualTo("¥12.50");
        assertThat(MoneyFormat.format(new Money(500, "JPY"), Locale.ENGLISH)).isEqualTo("¥500");
        assertThat(MoneyFormat.format(new Money(123456, "USD"), Locale.ENGLISH)).isEqualTo("$1,234.56");
        assertThat(MoneyFormat.format(new Money(5, "CNY"), ZH)).isEqualTo("¥0.05");
    }

    @Test
    void oneCurrencyLeavesNoTraceOnTheNextInTheSameLanguage() {
        // JPY has no decimals, USD two: a reused formatter must not carry one's digits or symbol to the other
        assertThat(MoneyFormat.format(new Money(500, "JPY"), Locale.ENGLISH)).isEqualTo("¥500");
        assertThat(MoneyFormat.format(new Money(500, "USD"), Locale.ENGLISH)).isEqualTo("$5.00");
        assertThat(MoneyFormat.format(new Money(500, "JPY"), Locale.ENGLISH)).isEqualTo("¥500");
        assertThat(MoneyFormat.format(new Money(1250, "CNY"), Locale.ENGLISH)).isEqualTo("CN¥12.50");
    }

    @Test
    void threadsFormattingAtOnceEachGetTheirOwnAnswer() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long minor = seed * 100_000L + i;
                        String usd = MoneyFormat.format(new Money(minor, "USD"), Locale.ENGLISH);
                        String jpy = MoneyFormat.format(new Money(minor, "JPY"), Locale.ENGLISH);
                        if (!usd.equals(String.format(Locale.ENGLISH, "$%,.2f", minor / 100.0))
                                || !jpy.equals(String.format(Locale.ENGLISH, "¥%,d", minor))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
