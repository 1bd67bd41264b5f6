package io.kamiflow.ordering;

import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.StockService;
import io.kamiflow.ops.web.Problems;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentChannels;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates a payable order after checking the product, the quantity and the stock. */
@Service
public class CheckoutService {

    public record Checkout(Order order, String accessToken, Map<String, Object> payment) {
    }

    private final ProductRepository products;
    private final StockService stock;
    private final OrderRepository orders;
    private final OrderNumbers numbers;
    private final AccessTokens tokens;
    private final PaymentChannels channels;
    private final OrderingProperties properties;

    CheckoutService(ProductRepository products, StockService stock, OrderRepository orders, OrderNumbers numbers,
                    AccessTokens tokens, PaymentChannels channels, OrderingProperties properties) {
        this.products = products;
        this.stock = stock;
        this.orders = orders;
        this.numbers = numbers;
        this.tokens = tokens;
        this.channels = channels;
        this.properties = properties;
    }

    @Transactional
    public Checkout checkout(String sku, int quantity, String email, String channelId) {
        if (quantity < 1 || quantity > properties.maxQuantity()) {
            throw Problems.badRequest("quantity must be between 1 and " + properties.maxQuantity());
        }
        PaymentChannel channel = channels.enabled(channelId)
                .orElseThrow(() -> Problems.badRequest("channel '" + channelId + "' is not available; use one of "
                        + channels.enabledIds()));
        Product product = products.findBySku(sku).filter(Product::active)
                .orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
        long available = stock.available(product.id());
        if (available < quantity) {
            throw Problems.conflict(available == 0 ? "'" + sku + "' is sold out"
                    : "only " + available + " of '" + sku + "' in stock, " + quantity + " requested");
        }
        Money amount = product.price().times(quantity);
        String token = tokens.newToken();
        long id = orders.insert(numbers.next(), product.id(), quantity, amount, email, tokens.hash(token), channel.id());
        Order order = orders.getById(id);
        return new Checkout(order, token, channel.checkout(order, product));
    }
}
