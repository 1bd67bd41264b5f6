package io.kamiflow.fulfillment;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import io.kamiflow.inventory.StockAdded;
import io.kamiflow.ops.DaemonThreads;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Keys arrived or came back (an import, a cancelled or expired order's reservation, a refund): the product's parked
 * orders resume ({@link RestockResumer}) and its open "Fulfil by hand" tasks show the new stock ({@link HandKeyPick}).
 * That work runs on a thread of its own once the keys' transaction committed, never on the committing thread: a
 * listener called at commit still holds that transaction's pooled connection, so a transaction of its own there took a
 * second one, and as many commits at once as the pool has connections (a gateway outage cancelling thirty checkouts
 * together) each held one and waited for a second until the pool gave up, leaving the parked orders parked
 * (RestockAfterCommitTest). Stock added many times before the thread gets to the product is handled once. What a stop
 * or a failure loses between the commit and the work, the sweep finds: parked orders of products with keys in stock.
 */
@Component
class RestockRelay {

    private static final Logger log = LoggerFactory.getLogger(RestockRelay.class);

    private final RestockResumer resumer;
    private final HandKeyPick handTasks;
    private final JdbcClient jdbc;
    /** Products with stock added since their last pass, by id: a product is queued once until its pass starts. */
    private final Map<Long, String> due = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("kamiflow-restock"));

    RestockRelay(RestockResumer resumer, HandKeyPick handTasks, JdbcClient jdbc) {
        this.resumer = resumer;
        this.handTasks = handTasks;
        this.jdbc = jdbc;
    }

    /** Called after the commit on the committing thread: only queues the product, no connection taken. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    public void onStockAdded(StockAdded event) {
        queue(event.productId(), event.sku());
    }

    /** Parked orders whose product has keys in stock again, whatever told nobody (as often as the interval says). */
    @Scheduled(initialDelayString = "${kamiflow.fulfillment.restock-sweep-interval:PT1M}",
            fixedDelayString = "${kamiflow.fulfillment.restock-sweep-interval:PT1M}")
    public void sweep() {
        jdbc.sql("""
                SELECT p.id, p.sku FROM product p
                WHERE EXISTS (SELECT 1 FROM customer_order o WHERE o.product_id = p.id AND o.status = 'AWAITING_STOCK')
                  AND EXISTS (SELECT 1 FROM card_key k WHERE k.product_id = p.id AND k.status = 'AVAILABLE')""")
                .query((rs, row) -> Map.entry(rs.getLong("id"), rs.getString("sku")))
                .list()
                .forEach(product -> queue(product.getKey(), product.getValue()));
    }

    private void queue(long productId, String sku) {
        if (due.putIfAbsent(productId, sku) != null) {
            return; // its pass has not started yet: it reads the stock then
        }
        try {
            worker.execute(() -> pass(productId));
        } catch (RejectedExecutionException stopping) {
            due.remove(productId); // the node is stopping: the sweep of a running node finds the product
        }
    }

    private void pass(long productId) {
        String sku = due.remove(productId); // stock added from here on queues the product again
        try {
            resumer.resume(productId, sku);
        } catch (RuntimeException e) {
            log.warn("parked orders of {} not resumed now (the sweep tries again): {}", sku, e.toString());
        }
        try {
            handTasks.showStock(productId, sku);
        } catch (RuntimeException e) {
            log.info("stock of {} not shown on its open hand tasks: {}", sku, e.toString());
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
