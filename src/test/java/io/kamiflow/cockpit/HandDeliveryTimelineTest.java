package io.kamiflow.cockpit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.kamiflow.support.HandProducts;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The order's timeline shows who fulfilled it by hand and when, with support's note and the delivery mail, and never the
 * text or the fields' values.
 */
class HandDeliveryTimelineTest extends ProcessTest {

    @Autowired
    OrderTimeline timelines;

    @Test
    void theTimelineShowsTheHandDeliveryAndTheNoteButNotTheTextOrTheBuyersValues() {
        HandProducts.product(shop, "TL-HAND", "8.00");
        Shop.PlacedOrder order = HandProducts.order(shop, "TL-HAND", "tl@example.com", "31415926");
        Shop.pay(shop, order, "T-TL");
        complete(instanceFor(order.orderNo()), Map.of("handAction", "deliver", "deliveryText", "secret code 2718",
                "handNote", "done through the publisher's portal"));
        runUntilOnlyTasksWait(order.orderNo());

        OrderTimeline.Timeline timeline = timelines.of(order.orderNo()).orElseThrow();
        OrderTimeline.Event delivered = timeline.events().stream().filter(e -> e.kind().equals("DELIVERY")).findFirst().orElseThrow();
        assertThat(delivered.title()).isEqualTo("Fulfilled by hand");
        assertThat(delivered.detail()).containsEntry("by", "system").containsEntry("buyer's fields", "account, server");
        assertThat(delivered.detail().get("first shown to the buyer")).isNotEqualTo("not yet"); // the mail showed it
        assertThat(timeline.events()).anySatisfy(e -> assertThat(String.valueOf(e.detail().get("detail")))
                .isEqualTo("FulfilByHand: delivered: done through the publisher's portal"));
        assertThat(timeline.events()).filteredOn(e -> e.kind().equals("MAIL")).extracting(OrderTimeline.Event::title)
                .containsExactly("Mail to the buyer: what support delivered by hand, with the link to the order page, sent");
        assertThat(timeline.toString()).doesNotContain("secret code 2718", "31415926");
    }

    @Test
    void keysPickedFromStockShowAsHandedOverByHandWithoutTheirValues() {
        HandProducts.product(shop, "TL-KEYS", "8.00");
        assertThat(shop.importKeys("TL-KEYS", "TLKEY-SECRET-0001").status()).isEqualTo(200);
        Shop.PlacedOrder order = HandProducts.order(shop, "TL-KEYS", "tlk@example.com", "27182818");
        Shop.pay(shop, order, "T-TLK");
        complete(instanceFor(order.orderNo()), Map.of("handAction", "deliverKeys", "handNote", "account from stock"));
        runUntilOnlyTasksWait(order.orderNo());

        OrderTimeline.Timeline timeline = timelines.of(order.orderNo()).orElseThrow();
        assertThat(timeline.events()).anySatisfy(e -> assertThat(String.valueOf(e.detail().get("detail")))
                .isEqualTo("FulfilByHand: delivered 1 key from stock: account from stock"));
        assertThat(timeline.events()).anySatisfy(e -> assertThat(String.valueOf(e.detail().get("how")))
                .isEqualTo("delivered by hand by support"));
        assertThat(timeline.toString()).doesNotContain("TLKEY-SECRET-0001", "27182818");
    }
}
