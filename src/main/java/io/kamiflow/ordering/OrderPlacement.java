package io.kamiflow.ordering;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.Product;
import io.kamiflow.db.SqlDialect;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.LowStockMonitor;
import io.kamiflow.inventory.StockService;
import io.kamiflow.inventory.StockSettings;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.coupons.CouponRedemptions;
import io.kamiflow.web.Problems;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checkout's two short transactions around the gateway call: {@link #place} creates the payable order after checking
 * the product, the quantity and the stock (in on-checkout mode it reserves the keys or refuses with 409, and one buyer
 * (email) and one client address may each hold only a few open reservations, {@link OpenReservations}, under a
 * lock per email and per address); {@link #cancel} gives an order up when its gateway did not open the trade.
 * On PostgreSQL, without a coupon, the stock count, the buyer's cap, the order's insert and its reservation are one
 * statement ({@link KeyClaimer#insertAndReserve}), priced from this node's copy of the product whose version that
 * statement checks: a checkout makes three round trips to the database (the buyer's lock with BEGIN, that statement,
 * COMMIT) instead of seven.
 */
@Service
class OrderPlacement {

    /** @param discount what a coupon took off the order's amount, null when it used none */
    record Placed(Order order, Product product, String accessToken, Money discount) {
    }

    private final StockService stock;
    private final OrderRepository orders;
    private final OrderNumbers numbers;
    private final AccessTokens tokens;
    private final PaymentOptions channels;
    private final StockSettings stockSettings;
    private final PaymentWindow paymentWindow;
    private final KeyClaimer claimer;
    private final LowStockMonitor lowStock;
    private final OpenReservations openReservations;
    private final AuditLog audit;
    private final CouponRedemptions coupons;
    private final OrderFields orderFields;
    private final OrderPricing pricing;
    private final SqlDialect dialect;

    OrderPlacement(SqlDialect dialect, OrderPricing pricing, CouponRedemptions coupons, StockService stock, OrderRepository orders, OrderNumbers numbers,
                   AccessTokens tokens, PaymentOptions channels,
                   StockSettings stockSettings, PaymentWindow paymentWindow, KeyClaimer claimer,
                   LowStockMonitor lowStock, OpenReservations openReservations, AuditLog audit,
                   OrderFields orderFields) {
        this.dialect = dialect;
        this.orderFields = orderFields;
        this.pricing = pricing;
        this.stock = stock;
        this.orders = orders;
        this.numbers = numbers;
        this.tokens = tokens;
        this.channels = channels;
        this.stockSettings = stockSettings;
        this.paymentWindow = paymentWindow;
        this.claimer = claimer;
        this.lowStock = lowStock;
        this.openReservations = openReservations;
        this.audit = audit;
        this.coupons = coupons;
    }

    /** @param clientAddress the buyer's address as Tomcat's RemoteIpValve yields it; null when not from HTTP */
    @Transactional
    public Placed place(String sku, int quantity, String email, String channelId, String clientAddress) {
        return place(sku, quantity, email, channelId, clientAddress, null);
    }

    /** @param language the storefront's language, recorded for the key mail ({@link Order#language(java.util.Locale)}) */
    @Transactional
    public Placed place(String sku, int quantity, String email, String channelId, String clientAddress, String language) {
        return place(sku, quantity, email, channelId, clientAddress, language, null, null);
    }

    /**
     * @param coupon the buyer's coupon code, null or blank for none: its use is taken under the coupon's row lock
     *               (after the buyer's and the address's locks, before the keys) and the amount is what is left to pay
     * @param fields the buyer's values for a hand-fulfilled product's fields (null: none), checked against the product
     */
    @Transactional
    public Placed place(String sku, int quantity, String email, String channelId, String clientAddress, String language,
                        String coupon, Map<String, String> fields) {
        pricing.checkQuantity(quantity);
        if (!channels.isEnabled(channelId)) {
            throw Problems.badRequest("channel '" + channelId + "' is not available; use one of " + channels.enabledIds());
        }
        Request request = new Request(sku, quantity, email, channelId, clientAddress, language, coupon, fields);
        boolean onCheckout = stockSettings.getReservation() == StockSettings.Reservation.ON_CHECKOUT;
        // PostgreSQL counts, inserts and reserves in one statement (KeyClaimer.insertAndReserve), which also counts the
        // buyer's cap and checks the product's version: that checkout prices from this node's copy of the product
        boolean oneStatement = onCheckout && dialect.postgres() && (coupon == null || coupon.isBlank());
        if (oneStatement) {
            Placed placed = placeFromCopy(request);
            if (placed != null) {
                return placed;
            }
        }
        return place(request, pricing.activeOffer(sku), onCheckout, oneStatement, false);
    }

    /** What the order's statement checks when the product is this node's copy. */
    private static final KeyClaimer.Checks CAP_AND_VERSION = OpenReservations.BUYER_CAP.and(OrderPricing.SAME_VERSION);

    private record Request(String sku, int quantity, String email, String channelId, String clientAddress,
                           String language, String coupon, Map<String, String> fields) {
    }

    /**
     * The checkout priced from this node's copy of the product; null when the copy does not serve: a by-hand
     * product (no statement checks its version), a copy that refused the request (it may be outdated: the database's
     * product answers instead), or one whose version the order's statement found changed (nothing was written). The
     * caller then places the order from the database's product, in the same transaction: the locks taken here are
     * taken again (PostgreSQL's advisory locks count up) and held as before.
     */
    private Placed placeFromCopy(Request request) {
        io.kamiflow.catalog.ProductRepository.WithTiers copy = pricing.activeOffer(request.sku(), true);
        if (copy.product().byHand()) {
            return null;
        }
        try {
            return place(request, copy, true, true, true);
        } catch (OutdatedCopy outdated) {
            pricing.forgetCopy(request.sku());
            return null;
        } catch (org.springframework.web.ErrorResponseException refused) {
            if (refused.getStatusCode().value() == 400) { // the quantity or the fields, checked against the copy
                return null;
            }
            throw refused;
        }
    }

    /** The order's statement found the product changed since this node copied it; nothing was written. */
    private static final class OutdatedCopy extends RuntimeException {
        OutdatedCopy() {
            super(null, null, false, false);
        }
    }

    private Placed place(Request request, io.kamiflow.catalog.ProductRepository.WithTiers offer, boolean onCheckout,
                         boolean oneStatementMode, boolean copied) {
        String sku = request.sku();
        int quantity = request.quantity();
        String email = request.email();
        Product product = offer.product();
        pricing.checkQuantity(product, quantity);
        Map<String, String> values = io.kamiflow.catalog.InputFields.checkValues(product, request.fields());
        // a person fulfils it: no keys to reserve or count
        boolean reserve = !product.byHand() && onCheckout;
        boolean inOneStatement = reserve && oneStatementMode;
        if (inOneStatement) {
            openReservations.lockBuyer(email); // its cap is counted by the order's statement
        } else if (reserve) {
            openReservations.holdBuyerLock(email);
        }
        if (reserve) {
            openReservations.holdAddressLock(request.clientAddress()); // always after the buyer lock: one lock order
        }
        // counted up to the quantity plus the low-stock threshold: what is left after taking it is then known too
        long countLimit = (long) quantity + product.lowStockThreshold();
        // without a coupon the pricing only computes: a sold-out product is refused first either way. With a coupon
        // the count comes first, so a sold-out product is refused before the coupon is looked at or locked.
        long available = product.byHand() || inOneStatement ? quantity : stock.availableUpTo(product.id(), countLimit);
        if (available < quantity) {
            throw notEnough(sku, available, quantity);
        }
        // the wholesale tier reached, else the list price; then the coupon, its use taken under its row lock
        OrderPricing.Priced priced = pricing.price(offer, quantity, request.coupon(), email, true);
        CouponRedemptions.Applied applied = priced.coupon();
        Money amount = priced.amount();
        String orderNo = numbers.next();
        String token = tokens.tokenFor(orderNo);
        Instant until = Instant.now().plus(paymentWindow.getOrderTtl());
        Order placed;
        if (inOneStatement) {
            Map<String, Object> checkParams = new HashMap<>(openReservations.buyerCap(email));
            if (copied) {
                checkParams.putAll(OrderPricing.sameVersion(product));
            }
            KeyClaimer.Reserved<Order> done = claimer.insertAndReserve(orders.newOrder(orderNo, product.id(), quantity,
                    amount, email, tokens.hash(token), request.channelId(), request.clientAddress(), request.language()),
                    copied ? CAP_AND_VERSION : OpenReservations.BUYER_CAP, checkParams, product.id(), quantity,
                    countLimit, until);
            if (copied && !OrderPricing.sameVersion(done.checked())) {
                throw new OutdatedCopy();
            }
            openReservations.refuseOverBuyerCap(done.checked());
            available = done.available();
            if (done.order() == null) {
                throw notEnough(sku, available, quantity); // the statement wrote nothing
            }
            if (!done.reserved()) {
                throw notEnough(sku, stock.available(product.id()), quantity); // rolls the order back too
            }
            placed = done.order();
        } else {
            placed = orders.insert(orderNo, product.id(), quantity, amount, email, tokens.hash(token),
                    request.channelId(), request.clientAddress(), request.language());
        }
        long id = placed.id();
        if (applied != null) {
            coupons.redeem(applied, id, email);
        }
        if (!values.isEmpty()) { // key products take no fields: no call through the repository's proxy
            orderFields.store(id, values);
        }
        if (reserve) {
            if (!inOneStatement && !claimer.reserve(id, product.id(), quantity, until)) {
                throw notEnough(sku, stock.available(product.id()), quantity); // rolls the order back too
            }
            if (product.watchesLowStock()) { // else checkAfterTaking returns at once: no call through its proxy
                lowStock.checkAfterTaking(product, available - quantity);
            }
        }
        return new Placed(placed, product, token, applied == null ? null : applied.discount());
    }

    /**
     * The order's gateway did not open its trade, so the buyer got no way to pay it: CANCELLED, and its reserved keys
     * go back to stock now rather than at expiry. A payment that arrives anyway (the gateway opened the trade after
     * all) finds the order not payable and goes to Review payment, as for an expired order.
     *
     * @return false when the order had moved on meanwhile (nothing changed)
     */
    @Transactional
    public boolean cancel(String orderNo, String why) {
        Order order = orders.lockByOrderNo(orderNo).orElseThrow();
        if (order.status() != OrderStatus.PENDING_PAYMENT || order.paymentId() != null) {
            return false;
        }
        orders.transition(order.id(), OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT);
        claimer.release(List.of(order.id()));
        coupons.release(List.of(order.id()));
        audit.record("order.cancel", order.orderNo(), why);
        return true;
    }

    private static RuntimeException notEnough(String sku, long available, int quantity) {
        return Problems.conflict(available == 0 ? "'" + sku + "' is sold out"
                : "only " + available + " of '" + sku + "' in stock, " + quantity + " requested");
    }
}
