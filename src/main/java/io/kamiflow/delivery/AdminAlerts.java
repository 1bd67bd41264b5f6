package io.kamiflow.delivery;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kamiflow.inventory.LowStock;
import io.kamiflow.ops.DaemonThreads;
import jakarta.annotation.PreDestroy;
import org.springframework.context.event.EventListener;

import io.kamiflow.db.InsertIfAbsent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Mails to the shop's admin address about things a person should look at. */
@Service
public class AdminAlerts {

    private static final Logger log = LoggerFactory.getLogger(AdminAlerts.class);

    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    private final InsertIfAbsent inserts;
    /**
     * The low-stock mail's own thread: the stock dips in a checkout, a callback or a job, whose thread still holds its
     * pooled connection while its afterCommit callbacks run; a buyer must not wait for SMTP there, nor the pool.
     */
    private final ThreadPoolExecutor lowStockSender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100), DaemonThreads.named("low-stock-mail"));

    AdminAlerts(JavaMailSender mail, DeliveryProperties properties, InsertIfAbsent inserts) {
        this.mail = mail;
        this.properties = properties;
        this.inserts = inserts;
    }

    /**
     * Records an alert that must go out at most once (per kind and subject, ever), in the caller's
     * transaction. @return true when it is new: the caller then arranges the mail (see admin-alert.bpmn)
     */
    public boolean raiseOnce(String kind, String subject) {
        return inserts.insert("INSERT INTO admin_alert (kind, subject) VALUES (?, ?)", "kind, subject", kind, subject) == 1;
    }

    public void sendOrderParked(String orderNo, String sku, int quantity) {
        send("[kamiflow] Order " + orderNo + " is waiting for stock",
                "Order " + orderNo + " was paid for " + quantity + " x " + sku + " but there is not enough stock.\n"
                        + "It resumes by itself when keys are imported; after the restock timeout support gets the task "
                        + "\"Restock or refund\" in Tasklist.\n");
    }

    /** A payment the gateway holds for an order this shop does not have (UnknownTrades): money without a sale. */
    public void sendUnknownTrade(String channel, String tradeNo, String orderNo, String amount, String currency,
                                 java.time.Instant paidAt) {
        send("[kamiflow] The " + channel + " gateway holds a payment for order " + orderNo + " this shop does not have",
                "The " + channel + " gateway holds a payment for an order this shop does not have: trade " + tradeNo
                        + ", order " + orderNo + ", " + amount + " " + currency + ", paid at " + paidAt + ".\n"
                        + "Most likely the order was placed after the backup the database was restored from.\n"
                        + "Refund it at the gateway, or record the sale (deliver by hand and note it); "
                        + "see docs/operations.md, \"Backup and restore\".\n");
    }

    /**
     * Sent after the transaction that took the stock below the threshold commits, on a thread of its own; the caller
     * has already flipped the product's alert flag so concurrent claims send one alert.
     */
    @EventListener
    public void onLowStock(LowStock event) {
        lowStockAfterCommit(event.sku(), event.available(), event.threshold(), event.rearm());
    }

    private void lowStockAfterCommit(String sku, long available, int threshold, Runnable onFailure) {
        String subject = "[kamiflow] Low stock: " + sku + " has " + available + " keys left";
        String text = "Available keys of " + sku + " fell below the threshold of " + threshold + ": " + available + " left.\n"
                + "Import more with POST /api/admin/products/" + sku + "/keys.\n";
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                try {
                    lowStockSender.execute(() -> {
                        try {
                            send(subject, text);
                        } catch (MailException e) {
                            log.error("low-stock alert for {} could not be sent: {}", sku, MailFailures.describe(e));
                            rearm(sku, onFailure);
                        }
                    });
                } catch (RejectedExecutionException full) {
                    log.error("low-stock alert for {} dropped: 100 alerts wait for the mail server already", sku);
                    rearm(sku, onFailure);
                }
            }
        });
    }

    /**
     * The next dip alerts again; when even that fails (the database is away), the flag waits for the next restock.
     * {@link io.kamiflow.inventory.LowStock#rearm} commits in a transaction of its own, also from afterCommit.
     */
    private static void rearm(String sku, Runnable rearm) {
        try {
            rearm.run();
        } catch (RuntimeException e) {
            log.warn("low-stock alert for {} not re-armed: {}", sku, e.toString());
        }
    }

    @PreDestroy
    void stop() {
        lowStockSender.shutdown();
    }

    private void send(String subject, String text) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(properties.from());
        message.setTo(properties.adminEmail());
        message.setSubject(subject);
        message.setText(text);
        mail.send(message);
    }
}
