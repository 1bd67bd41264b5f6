package io.kamiflow.ordering;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.LowStockMonitor;
import io.kamiflow.inventory.StockService;
import io.kamiflow.inventory.StockSettings;
import io.kamiflow.db.LockRows;
import io.kamiflow.web.Problems;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates a payable order after checking the product, the quantity and the stock. In on-checkout
 * mode the keys are reserved in the same transaction (or the order is refused with 409), and one
 * buyer (email) and one client address may each hold only a few open reservations: their lock rows
 * serialize their checkouts.
 */
@Service
public class CheckoutService {

    public record Checkout(Order order, String accessToken, Map<String, Object> payment) {
    }

    private final ProductRepository products;
    private final StockService stock;
    private final OrderRepository orders;
    private final OrderNumbers numbers;
    private final AccessTokens tokens;
    private final PaymentOptions channels;
    private final OrderingProperties properties;
    private final StockSettings stockSettings;
    private final PaymentWindow paymentWindow;
    private final KeyClaimer claimer;
    private final LowStockMonitor lowStock;
    private final LockRows lockRows;
    private final OpenReservations openReservations;

    CheckoutService(ProductRepository products, StockService stock, OrderRepository orders, OrderNumbers numbers,
                    AccessTokens tokens, PaymentOptions channels, OrderingProperties properties,
                    StockSettings stockSettings, PaymentWindow paymentWindow, KeyClaimer claimer,
                    LowStockMonitor lowStock, LockRows lockRows,
                    OpenReservations openReservations) {
        this.products = products;
        this.stock = stock;
        this.orders = orders;
        this.numbers = numbers;
        this.tokens = tokens;
        this.channels = channels;
        this.properties = properties;
        this.stockSettings = stockSettings;
        this.paymentWindow = paymentWindow;
        this.claimer = claimer;
        this.lowStock = lowStock;
        this.lockRows = lockRows;
        this.openReservations = openReservations;
    }

    public Checkout checkout(String sku, int quantity, String email, String channelId) {
        return checkout(sku, quantity, email, channelId, null);
    }

    /** @param clientAddress the buyer's address as Tomcat's RemoteIpValve yields it; null when not from HTTP */
    @Transactional
    public Checkout checkout(String sku, int quantity, String email, String channelId, String clientAddress) {
        if (quantity < 1 || quantity > properties.maxQuantity()) {
            throw Problems.badRequest("quantity must be between 1 and " + properties.maxQuantity());
        }
        if (!channels.isEnabled(channelId)) {
            throw Problems.badRequest("channel '" + channelId + "' is not available; use one of " + channels.enabledIds());
        }
        Product product = products.findBySku(sku).filter(Product::active)
                .orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
        boolean reserve = stockSettings.getReservation() == StockSettings.Reservation.ON_CHECKOUT;
        if (reserve) {
            holdBuyerLock(email);
            openReservations.holdAddressLock(clientAddress); // always after the buyer lock: one lock order, no deadlock
        }
        long available = stock.availableUpTo(product.id(), quantity);
        if (available < quantity) {
            throw notEnough(sku, available, quantity);
        }
        Money amount = product.price().times(quantity);
        String orderNo = numbers.next();
        String token = tokens.tokenFor(orderNo);
        long id = orders.insert(orderNo, product.id(), quantity, amount, email, tokens.hash(token), channelId,
                clientAddress);
        if (reserve) {
            Instant until = Instant.now().plus(paymentWindow.getOrderTtl());
            if (!claimer.reserve(id, product.id(), quantity, until)) {
                throw notEnough(sku, stock.available(product.id()), quantity); // rolls the order back too
            }
            lowStock.checkAfterTaking(product.id());
        }
        Order order = orders.getById(id);
        return new Checkout(order, token, channels.checkout(channelId, order, product));
    }

    private void holdBuyerLock(String email) {
        String key = email.toLowerCase(Locale.ROOT);
        lockRows.hold("buyer_lock", "email", key);
        OpenReservations.Held held = openReservations.held("lower(o.buyer_email) = ?", key);
        if (held.count() >= stockSettings.getMaxOpenReservationsPerBuyer()) {
            throw Problems.tooManyRequests("this email already holds " + held.count()
                    + " unpaid orders with reserved keys; pay or let them expire first", held.retryAfter());
        }
    }

    private static RuntimeException notEnough(String sku, long available, int quantity) {
        return Problems.conflict(available == 0 ? "'" + sku + "' is sold out"
                : "only " + available + " of '" + sku + "' in stock, " + quantity + " requested");
    }
}
