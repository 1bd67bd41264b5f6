package io.kamiflow.payment;

import java.util.List;
import java.util.Optional;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import io.kamiflow.db.NoTransaction;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Closes expired orders' trades at their gateways, so a buyer can no longer pay an order that gave its keys back.
 * Order expiry marks the orders (trade_close PENDING); the order-expiry process takes them (CLOSING) and closes
 * each in a gateway call of its own ("Close trade at gateway", an external task), with no transaction open; a
 * refusing or silent gateway fails that attempt (retries, then an incident). A gateway that says "already paid" is
 * fine: the callback or compensation records the payment and Verify payment sends it to Review payment.
 */
@Service
public class TradeCloser {

    private static final Logger log = LoggerFactory.getLogger(TradeCloser.class);
    private static final int BATCH = 500;

    private final OrderRepository orders;
    private final PaymentChannels channels;

    TradeCloser(OrderRepository orders, PaymentChannels channels) {
        this.orders = orders;
        this.channels = channels;
    }

    /** Takes the trades waiting to be closed, in the caller's transaction (the one that creates their close jobs). */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<String> takeTradesToClose() {
        return orders.takeTradesToClose(BATCH);
    }

    /**
     * Reads the order, asks its gateway to close the trade with no transaction open (every close is idempotent at the
     * gateway), then records the outcome in one conditional statement, its own short transaction.
     *
     * @return what the gateway said, or empty when this order's trade is not (any more) to close
     */
    public Optional<PaymentChannel.CloseOutcome> close(String orderNo) {
        NoTransaction.require("closing the trade of order " + orderNo);
        if (!orders.tradeClose(orderNo).filter("CLOSING"::equals).isPresent()) {
            return Optional.empty();
        }
        Order order = orders.findByOrderNo(orderNo).orElseThrow();
        PaymentChannel channel = channels.byId(order.channel()).filter(PaymentChannel::supportsClose)
                .orElseThrow(() -> new IllegalStateException("channel " + order.channel() + " of order " + orderNo
                        + " can no longer close trades; close it in the gateway's console"));
        PaymentChannel.CloseOutcome outcome = channel.close(order);
        orders.finishTradeClose(orderNo, outcome == PaymentChannel.CloseOutcome.CLOSED ? "CLOSED" : "PAID");
        log.info("trade of expired order {} at {}: {}", orderNo, channel.id(), outcome);
        return Optional.of(outcome);
    }
}
