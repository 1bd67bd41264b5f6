package io.kamiflow.ordering;

import java.util.List;
import java.util.Optional;

import io.kamiflow.inventory.KeyVault;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The buyer's view of an order, opened only with the access token given at checkout. */
@Service
public class OrderLookupService {

    public record BuyerView(Order order, List<String> keys) {
    }

    private final OrderRepository orders;
    private final AccessTokens tokens;
    private final KeyVault vault;

    OrderLookupService(OrderRepository orders, AccessTokens tokens, KeyVault vault) {
        this.orders = orders;
        this.tokens = tokens;
        this.vault = vault;
    }

    @Transactional(readOnly = true)
    public Optional<BuyerView> lookup(String orderNo, String token) {
        return orders.findByOrderNo(orderNo)
                .filter(order -> tokens.matches(token, order.accessTokenHash()))
                .map(order -> new BuyerView(order,
                        order.status() == OrderStatus.DELIVERED ? vault.keysSoldTo(order.id()) : null));
    }
}
