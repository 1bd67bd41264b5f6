package io.kamiflow.inventory;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One low-stock alert per dip: the product's flag flips to alerted with a conditional UPDATE (so
 * concurrent claims send one mail) and flips back once stock is above the threshold again.
 */
@Component
public class LowStockMonitor {

    private final JdbcClient jdbc;
    private final ProductRepository products;
    private final StockService stock;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate ownTransaction;

    LowStockMonitor(JdbcClient jdbc, ProductRepository products, StockService stock, ApplicationEventPublisher events,
                    PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.products = products;
        this.stock = stock;
        this.events = events;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** After stock went down (a claim or reservation). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void checkAfterTaking(long productId) {
        Product product = products.getById(productId);
        if (!product.watchesLowStock()) {
            return;
        }
        checkAfterTaking(product, stock.availableUpTo(productId, product.lowStockThreshold())); // exact below the threshold
    }

    /**
     * After stock went down, when the caller already counted what is left (checkout: counted up to the quantity plus
     * the threshold before taking the quantity), exact at least below the threshold.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void checkAfterTaking(Product product, long available) {
        long productId = product.id();
        if (!product.watchesLowStock() || available >= product.lowStockThreshold()) {
            return;
        }
        int flipped = jdbc.sql("UPDATE product SET low_stock_alerted = TRUE WHERE id = ? AND NOT low_stock_alerted")
                .param(productId).update();
        if (flipped == 1) {
            events.publishEvent(new LowStock(product.sku(), available, product.lowStockThreshold(),
                    () -> rearmInOwnTransaction(productId)));
        }
    }

    /**
     * After stock went up (import, generate, keys released): alert again on the next dip; stock still below the
     * threshold (an import too small, on a product never alerted) alerts now. Runs in the
     * transaction that added the stock, as every such path publishes {@link StockAdded}.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onStockAdded(StockAdded event) {
        Product product = products.getById(event.productId());
        if (stock.availableUpTo(event.productId(), product.lowStockThreshold()) >= product.lowStockThreshold()) {
            rearm(event.productId());
        } else {
            checkAfterTaking(event.productId()); // still below after the import: low, if not told already
        }
    }

    /**
     * A listener re-arms after the dip's commit: on its mail thread, or in the committing thread's afterCommit when that
     * thread's queue is full. There the committed transaction's connection is still bound to the thread, and a plain
     * statement would run in a transaction nobody commits until the connection's auto-commit is reset (Spring's
     * afterCommit contract: REQUIRES_NEW for any transactional work there).
     */
    private void rearmInOwnTransaction(long productId) {
        ownTransaction.executeWithoutResult(status -> rearm(productId));
    }

    private void rearm(long productId) {
        jdbc.sql("UPDATE product SET low_stock_alerted = FALSE WHERE id = ? AND low_stock_alerted").param(productId).update();
    }
}
