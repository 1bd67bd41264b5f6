package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;

/** An order's link is encoded as Spring's URI builder encodes it, odd values included; the order number as one segment. */
class OrderLinksTest {

    @Test
    void theLinkIsWhatTheUriBuilderMakesOfTheSameValues() {
        String[][] values = {
                {"2612071437520AXDEPEKMG", "q3Zr-x_9AbCdEfGhIjKlMnOpQrStUvWxYz0123456789A"},
                {"a b?c#d%e", "a+b=c&d e/f?g#h%i"},
                {"订单", "令牌"},
        };
        for (String[] value : values) {
            String built = UriComponentsBuilder.fromPath("/orders/{orderNo}").queryParam("token", value[1])
                    .buildAndExpand(value[0]).encode().toUriString();
            assertThat(OrderLinks.path(value[0], value[1])).isEqualTo(built);
        }
        assertThat(OrderLinks.path("a/b", "t")).as("an order number is one path segment (the builder would keep the slash)")
                .isEqualTo("/orders/a%2Fb?token=t");
        assertThat(OrderLinks.path("2612071437520AXDEPEKMG", "abc_-"))
                .isEqualTo("/orders/2612071437520AXDEPEKMG?token=abc_-");
    }
}
