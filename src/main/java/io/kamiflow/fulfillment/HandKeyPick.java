package io.kamiflow.fulfillment;

import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyClaimer;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.inventory.LowStockMonitor;
import io.kamiflow.inventory.StockService;
import io.kamiflow.ordering.Order;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keys support picks from stock in "Fulfil by hand" (an account shop imports its accounts as keys of the hand product
 * itself): the order's quantity from the order's own product, through the same claim as automatic delivery, so a key
 * is never on two orders and a short stock changes nothing. Support hands them over with the completion, so they are
 * revealed (HAND) at once, as in Manual delivery: a later refund voids them instead of reselling them. As the task's
 * create listener ({@code handKeyStock}) it tells the form whether the stock covers the order (keysInStock,
 * keysEnough), again for the open tasks of the product when keys arrive; the completion checks again, since the
 * stock may go while the task is open.
 */
@Component("handKeyStock")
class HandKeyPick implements TaskListener {

    static final String KEYS_IN_STOCK = "keysInStock";
    static final String KEYS_ENOUGH = "keysEnough";
    private static final Logger log = LoggerFactory.getLogger(HandKeyPick.class);

    private final InstanceOrders orders;
    private final StockService stock;
    private final KeyClaimer claimer;
    private final KeyReveals reveals;
    private final LowStockMonitor lowStock;
    private final ProductRepository products;
    private final TaskService tasks;
    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;

    HandKeyPick(InstanceOrders orders, StockService stock, KeyClaimer claimer, KeyReveals reveals, LowStockMonitor lowStock,
                ProductRepository products, TaskService tasks, JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.products = products;
        this.tasks = tasks;
        this.jdbc = jdbc;
        this.orders = orders;
        this.stock = stock;
        this.claimer = claimer;
        this.reveals = reveals;
        this.lowStock = lowStock;
    }

    @Override
    public void notify(DelegateTask task) {
        if (task.getExecution() == null) {
            return;
        }
        Order order = orders.order(task.getExecution());
        task.setVariablesLocal(shown(stock.available(order.productId()), order.quantity()));
    }

    /**
     * Keys arrived for a hand product: its orders' open tasks show the new stock, read after the keys' commit
     * ({@link RestockRelay}). No transaction around the loop: each task's hint is written in one of its own.
     */
    public void showStock(long productId, String sku) {
        if (!products.getById(productId).byHand()) {
            return;
        }
        record Waiting(String orderNo, int quantity) {
        }
        List<Waiting> waiting = jdbc.sql("SELECT order_no, quantity FROM customer_order WHERE product_id = ? "
                        + "AND status = 'PAID' ORDER BY id LIMIT 1000").param(productId)
                .query((rs, row) -> new Waiting(rs.getString("order_no"), rs.getInt("quantity"))).list();
        if (waiting.isEmpty()) {
            return;
        }
        long available = stock.available(productId);
        for (Waiting order : waiting) {
            for (var task : tasks.createTaskQuery().taskDefinitionKey("FulfilByHand").processInstanceBusinessKey(order.orderNo()).list()) {
                try { // each task in a transaction of its own: one completed meanwhile costs only its own hint
                    ownTransaction.executeWithoutResult(tx -> tasks.setVariablesLocal(task.getId(), shown(available, order.quantity())));
                } catch (RuntimeException e) {
                    log.info("stock of {} not shown again on task {}: {}", sku, task.getId(), e.getClass().getSimpleName());
                }
            }
        }
    }

    private static Map<String, Object> shown(long available, int quantity) {
        return Map.of(KEYS_IN_STOCK, available, KEYS_ENOUGH, available >= quantity);
    }

    /**
     * Claims and hands over the order's keys in the caller's (the completion's) transaction, or throws with nothing
     * changed when the stock cannot cover the order now (keys sold meanwhile, or held by an admin voiding their batch).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void pick(Order order) {
        if (!claimer.claim(order.id(), order.productId(), order.quantity())) {
            throw new ProcessEngineException("not enough keys in stock: order " + order.orderNo() + " needs "
                    + order.quantity() + ", " + stock.available(order.productId())
                    + " available now; import keys for the product, or deliver a text, or refund");
        }
        if (!reveals.reveal(order.id(), order.quantity(), KeyReveals.Channel.HAND)) {
            throw new IllegalStateException("order " + order.orderNo() + " does not hold the keys just claimed");
        }
        lowStock.checkAfterTaking(order.productId());
    }
}
