package io.kamiflow.fulfillment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import io.kamiflow.db.InsertIfAbsent;
import io.kamiflow.db.NoTransaction;
import io.kamiflow.delivery.AdminAlerts;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.payment.GatewayTrade;
import io.kamiflow.payment.PaymentChannel;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Payments the gateway holds for orders this shop does not have: after a restore from a backup, the orders placed and
 * paid after the dump are gone, and compensation (which asks the gateway about orders we know) cannot find them. Lists
 * the gateway's paid trades (its bill), records each trade whose order we lack once in {@code unknown_trade} and
 * raises one admin alert for it (the owner refunds it at the gateway or records the sale). The listing is a network
 * call and holds no transaction; the recording is one transaction, so a second run finds the same trades already
 * recorded and alerts nothing.
 */
@Service
public class UnknownTrades {

    static final String ALERT_UNKNOWN_TRADE = "UNKNOWN_TRADE";

    /** One trade the gateway holds for an order we lack; {@code newlyFound}: recorded by this run. */
    public record Found(String channel, String tradeNo, String orderNo, String amount, String currency, Instant paidAt,
                        Instant foundAt, boolean newlyFound) {
    }

    public record Report(int checked, List<Found> unknown, int newlyFound) {
    }

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final AdminAlerts alerts;
    private final RuntimeService runtime;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    UnknownTrades(JdbcClient jdbc, InsertIfAbsent inserts, AdminAlerts alerts, RuntimeService runtime, AuditLog audit,
                  PlatformTransactionManager tx) {
        this.jdbc = jdbc;
        this.inserts = inserts;
        this.alerts = alerts;
        this.runtime = runtime;
        this.audit = audit;
        this.transaction = new TransactionTemplate(tx);
    }

    /** @throws IllegalArgumentException when the channel cannot list its trades or {@code since} is in the future */
    public Report check(PaymentChannel channel, Instant since) {
        if (!channel.supportsTradeList()) {
            throw new IllegalArgumentException("channel " + channel.id() + " cannot list its trades (no bill download yet)");
        }
        Instant now = Instant.now();
        if (since.isAfter(now)) {
            throw new IllegalArgumentException("since " + since + " is in the future");
        }
        NoTransaction.require("listing the trades of " + channel.id());
        List<GatewayTrade> trades = channel.paidTrades(since, now.plusSeconds(1));
        return transaction.execute(status -> record(channel.id(), since, trades));
    }

    private Report record(String channel, Instant since, List<GatewayTrade> trades) {
        List<Found> unknown = new ArrayList<>();
        int newly = 0;
        for (GatewayTrade trade : trades) {
            boolean known = jdbc.sql("SELECT count(*) FROM customer_order WHERE order_no = ?").param(trade.orderNo())
                    .query(Integer.class).single() > 0;
            if (known) {
                continue; // ours: compensation and reconciliation look after it
            }
            boolean inserted = inserts.insert("INSERT INTO unknown_trade (channel, trade_no, order_no, amount_minor, currency, paid_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)", "channel, trade_no", channel, trade.tradeNo(), trade.orderNo(),
                    trade.amount().minor(), trade.amount().currency(), Timestamp.from(trade.paidAt())) == 1;
            String subject = subject(channel, trade.tradeNo());
            if (inserted && alerts.raiseOnce(ALERT_UNKNOWN_TRADE, subject)) {
                runtime.startProcessInstanceByKey(MailAdminCall.PROCESS_KEY, subject,
                        Map.of(MailAdminCall.ALERT_KIND, ALERT_UNKNOWN_TRADE));
            }
            if (inserted) {
                newly++;
            }
            Found found = find(channel, trade.tradeNo()).orElseThrow();
            unknown.add(new Found(found.channel(), found.tradeNo(), found.orderNo(), found.amount(), found.currency(),
                    found.paidAt(), found.foundAt(), inserted));
        }
        audit.record("gateway-trades.unknown", channel, "since " + since + ": " + trades.size() + " trades checked, "
                + unknown.size() + " for orders this shop lacks, " + newly + " newly found");
        return new Report(trades.size(), unknown, newly);
    }

    /** The recorded trade; {@code newlyFound} is false here. */
    Optional<Found> find(String channel, String tradeNo) {
        return jdbc.sql("SELECT channel, trade_no, order_no, amount_minor, currency, paid_at, found_at FROM unknown_trade "
                        + "WHERE channel = ? AND trade_no = ?").params(channel, tradeNo)
                .query((rs, row) -> {
                    Money amount = new Money(rs.getLong("amount_minor"), rs.getString("currency"));
                    return new Found(rs.getString("channel"), rs.getString("trade_no"), rs.getString("order_no"),
                            amount.amount(), amount.currency(), rs.getTimestamp("paid_at").toInstant(),
                            rs.getTimestamp("found_at").toInstant(), false);
                })
                .optional();
    }

    /** The alert's subject and the admin-alert instance's business key. */
    static String subject(String channel, String tradeNo) {
        return channel + ":" + tradeNo;
    }
}
