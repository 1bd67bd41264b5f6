package io.kamiflow.ordering;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.inventory.KeyVault;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The buyer's view of an order, opened only with the access token given at checkout. The keys are on
 * the page as soon as Claim keys committed (the mail is a second channel and may still be retrying);
 * showing them records a reveal in the same transaction, before the answer leaves.
 */
@Service
public class OrderLookupService {

    /** Orders whose claimed keys belong to the buyer. */
    private static final Set<OrderStatus> HOLDS_KEYS = EnumSet.of(OrderStatus.PAID, OrderStatus.AWAITING_STOCK,
            OrderStatus.MANUAL, OrderStatus.DELIVERED);

    /** @param delivery what support delivered for a hand-fulfilled order, null if nothing (yet) */
    public record BuyerView(Order order, List<String> keys, String delivery) {
    }

    private final OrderRepository orders;
    private final AccessTokens tokens;
    private final KeyVault vault;
    private final KeyReveals reveals;
    private final HandDeliveries handDeliveries;

    OrderLookupService(OrderRepository orders, AccessTokens tokens, KeyVault vault, KeyReveals reveals,
                       HandDeliveries handDeliveries) {
        this.handDeliveries = handDeliveries;
        this.orders = orders;
        this.tokens = tokens;
        this.vault = vault;
        this.reveals = reveals;
    }

    @Transactional
    public Optional<BuyerView> lookup(String orderNo, String token) {
        return orders.findByOrderNo(orderNo)
                .filter(order -> tokens.matches(token, order.accessTokenHash()))
                .map(order -> new BuyerView(order, keysFor(order), deliveryFor(order)));
    }

    private String deliveryFor(Order order) {
        return order.status() == OrderStatus.DELIVERED ? handDeliveries.reveal(order.id()).orElse(null) : null;
    }

    private List<String> keysFor(Order order) {
        if (HOLDS_KEYS.contains(order.status())
                && reveals.reveal(order.id(), order.quantity(), KeyReveals.Channel.PAGE)) {
            return vault.keysSoldTo(order.id());
        }
        return null;
    }
}
