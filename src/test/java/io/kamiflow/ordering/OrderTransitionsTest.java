package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** A status change from a state the caller did not expect is a bug: it fails loudly and changes nothing. */
class OrderTransitionsTest extends IntegrationTest {

    @Autowired
    OrderRepository orders;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void aRefusedTransitionThrowsAndNamesTheActualStatus() {
        Shop.productWithKeys(shop(), "TRN", "1.00", 1);
        Shop.PlacedOrder placed = Shop.order(shop(), "TRN", 1, "t@example.com");
        long id = orders.findByOrderNo(placed.orderNo()).orElseThrow().id();

        assertThatThrownBy(() -> transactions.executeWithoutResult(tx ->
                orders.transition(id, OrderStatus.DELIVERED, OrderStatus.MANUAL)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(placed.orderNo() + " is PENDING_PAYMENT");
        assertThat(orders.getById(id).status()).isEqualTo(OrderStatus.PENDING_PAYMENT);

        transactions.executeWithoutResult(tx -> orders.transition(id, OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT));
        assertThat(orders.getById(id).status()).isEqualTo(OrderStatus.CANCELLED);
        jdbc.update("UPDATE card_key SET status = 'AVAILABLE', order_id = NULL, reserved_until = NULL");
    }
}
