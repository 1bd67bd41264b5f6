package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void parsesAndFormatsByTheCurrencysDecimals() {
        assertThat(Money.parse("12.50", "CNY")).isEqualTo(new Money(1250, "CNY"));
        assertThat(Money.parse("12.5", "cny").amount()).isEqualTo("12.50");
        assertThat(Money.parse("12", "USD").minor()).isEqualTo(1200);
        assertThat(Money.parse("500", "JPY")).isEqualTo(new Money(500, "JPY"));
        assertThat(new Money(5, "CNY").amount()).isEqualTo("0.05");
        assertThat(new Money(1250, "CNY").times(3).amount()).isEqualTo("37.50");
    }

    @Test
    void rejectsWhatIsNotAPlainAmount() {
        assertThatThrownBy(() -> Money.parse("1.001", "CNY")).hasMessageContaining("decimals");
        assertThatThrownBy(() -> Money.parse("1.5", "JPY")).hasMessageContaining("decimals");
        assertThatThrownBy(() -> Money.parse("-1.00", "CNY")).hasMessageContaining("decimal string");
        assertThatThrownBy(() -> Money.parse("1e3", "CNY")).hasMessageContaining("decimal string");
        assertThatThrownBy(() -> Money.parse("12,50", "CNY")).hasMessageContaining("decimal string");
        assertThatThrownBy(() -> Money.parse("1.00", "XXQ")).hasMessageContaining("unknown currency");
        assertThatThrownBy(() -> Money.parse("1.00", "EURO")).hasMessageContaining("ISO 4217");
    }

    /** Every Money checks its currency code (checkout builds several per order: the check must stay as strict). */
    @Test
    void aCurrencyIsThreeAsciiLettersOfAKnownCode() {
        assertThat(new Money(100, "usd").currency()).isEqualTo("USD");
        assertThat(Money.currency("cNy")).isEqualTo("CNY");
        for (String bad : new String[] {null, "", "US", "EURO", "U$D", "12A", " USD", "USD ", "ÉUR", "U\nS"}) {
            assertThatThrownBy(() -> Money.currency(bad)).as(String.valueOf(bad)).hasMessageContaining("ISO 4217");
            assertThatThrownBy(() -> new Money(1, bad)).as(String.valueOf(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Money(1, "XXQ")).hasMessageContaining("unknown currency 'XXQ'");
    }
}
