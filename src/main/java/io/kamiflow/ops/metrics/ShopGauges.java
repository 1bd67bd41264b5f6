package io.kamiflow.ops.metrics;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.kamiflow.db.SqlDialect;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * State gauges read from the database: stock and parked orders per SKU, open support tasks per task, Camunda
 * incidents and jobs, the oldest paid order still without keys. One refresh every
 * {@code kamiflow.metrics.refresh-interval} (a handful of cheap aggregate queries), however often Prometheus
 * scrapes; scrapes read the last values. Every node reports the same numbers: aggregate them with max(), not sum().
 */
@Component
class ShopGauges {

    private static final Logger log = LoggerFactory.getLogger(ShopGauges.class);
    /**
     * Keys on sale per product, counted up to 1,000 past the product's low-stock threshold (more show as that many): what
     * the alerts compare stays exact, and a shop with 4,000,000 keys on sale pays 30 ms a refresh, not 1 s
     * (docs/big-shop-plans.md). Ordered by (product_id, id), as the checkout's count (KeyClaimer.COUNT_FROM_FLOOR says
     * why): a sold-out product's count reads V2's index, not every key the product ever had. PostgreSQL only: H2 (the
     * dev default, a few keys) takes no column in a LIMIT.
     */
    static final String STOCK_COUNTED = """
            SELECT p.sku, p.low_stock_threshold,
                   (SELECT count(*) FROM (SELECT 1 FROM card_key k WHERE k.product_id BETWEEN p.id AND p.id
                                          AND k.status = 'AVAILABLE' ORDER BY k.product_id, k.id
                                          LIMIT p.low_stock_threshold + 1000) counted) AS available,
                   coalesce(w.parked, 0) AS parked
            FROM product p LEFT JOIN (SELECT product_id, count(*) AS parked FROM customer_order
                                      WHERE status = 'AWAITING_STOCK' GROUP BY product_id) w ON w.product_id = p.id
            WHERE p.active""";
    private static final String STOCK_EXACT = """
            SELECT p.sku, p.low_stock_threshold,
                   (SELECT count(*) FROM card_key k WHERE k.product_id = p.id AND k.status = 'AVAILABLE') AS available,
                   (SELECT count(*) FROM customer_order o WHERE o.product_id = p.id AND o.status = 'AWAITING_STOCK') AS parked
            FROM product p WHERE p.active""";

    private record Stock(String sku, long available, long lowThreshold, long parked) {
    }

    private record Tasks(String task, long open, Instant oldest) {
    }

    private record Engine(long incidents, long dueJobs, long failedJobs, Instant oldestDueJob, Instant oldestPaidWithoutKeys,
                          long queuedKeyMails, Instant oldestQueuedKeyMail, long dueRemoteCalls, Instant oldestDueRemoteCall) {
        static final Engine NONE = new Engine(0, 0, 0, null, null, 0, null, 0, null);
    }

    private record Queued(long count, Instant oldest) {
    }

    private final JdbcClient jdbc;
    private final String stockSql;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final GaugeRows available;
    private final GaugeRows lowThreshold;
    private final GaugeRows parked;
    private final GaugeRows openTasks;
    private final GaugeRows oldestTask;
    private final AtomicReference<Engine> engine = new AtomicReference<>(Engine.NONE);

    ShopGauges(MeterRegistry registry, JdbcClient jdbc, SqlDialect dialect, RuntimeService runtime,
               ManagementService management) {
        this.jdbc = jdbc;
        this.stockSql = dialect.postgres() ? STOCK_COUNTED : STOCK_EXACT;
        this.runtime = runtime;
        this.management = management;
        available = new GaugeRows(MultiGauge.builder("kamiflow.stock.available.keys")
                .description("keys on sale per product (PostgreSQL: counted up to 1,000 above its low-stock threshold)")
                .register(registry), "sku");
        lowThreshold = new GaugeRows(MultiGauge.builder("kamiflow.stock.low.threshold")
                .description("the product's low-stock threshold").register(registry), "sku");
        parked = new GaugeRows(MultiGauge.builder("kamiflow.orders.parked")
                .description("paid orders waiting for stock per product").register(registry), "sku");
        openTasks = new GaugeRows(MultiGauge.builder("kamiflow.support.tasks.open")
                .description("open support tasks by task (BPMN id)").register(registry), "task");
        oldestTask = new GaugeRows(MultiGauge.builder("kamiflow.support.task.oldest.age").baseUnit("seconds")
                .description("age of the oldest open support task by task").register(registry), "task");
        Gauge.builder("kamiflow.camunda.incidents.open", engine, e -> e.get().incidents())
                .description("open Camunda incidents").register(registry);
        Gauge.builder("kamiflow.camunda.jobs.due", engine, e -> e.get().dueJobs())
                .description("jobs due now with retries left (the job executor's backlog)").register(registry);
        Gauge.builder("kamiflow.camunda.jobs.failed", engine, e -> e.get().failedJobs())
                .description("jobs out of retries (each one an incident)").register(registry);
        Gauge.builder("kamiflow.camunda.job.backlog.oldest", engine, e -> ageSeconds(e.get().oldestDueJob())).baseUnit("seconds")
                .description("how long the oldest due job has been waiting").register(registry);
        Gauge.builder("kamiflow.camunda.remote.calls.due", engine, e -> e.get().dueRemoteCalls())
                .description("remote calls (Send keys, Mail admin, gateway calls) due now with retries left, no node working them")
                .register(registry);
        Gauge.builder("kamiflow.camunda.remote.call.backlog.oldest", engine, e -> ageSeconds(e.get().oldestDueRemoteCall()))
                .baseUnit("seconds").description("how long the oldest due remote call has been waiting").register(registry);
        Gauge.builder("kamiflow.paid.orders.without.keys.oldest", engine, e -> ageSeconds(e.get().oldestPaidWithoutKeys()))
                .baseUnit("seconds").description("how long the oldest paid order has been waiting for its keys (parked orders aside)")
                .register(registry);
        Gauge.builder("kamiflow.key.mails.queued", engine, e -> e.get().queuedKeyMails())
                .description("key mails queued by paying callbacks and not yet recorded (all nodes)").register(registry);
        Gauge.builder("kamiflow.key.mail.queued.oldest", engine, e -> ageSeconds(e.get().oldestQueuedKeyMail()))
                .baseUnit("seconds").description("how long the oldest queued key mail has been waiting").register(registry);
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${kamiflow.metrics.refresh-interval:PT5S}")
    void refresh() {
        try {
            List<Stock> stock = jdbc.sql(stockSql)
                    .query((rs, row) -> new Stock(rs.getString("sku"), rs.getLong("available"), rs.getLong("low_stock_threshold"),
                            rs.getLong("parked"))).list();
            available.set(numbers(stock, Stock::sku, Stock::available));
            lowThreshold.set(numbers(stock, Stock::sku, Stock::lowThreshold));
            parked.set(numbers(stock, Stock::sku, Stock::parked));

            List<Tasks> tasks = jdbc.sql("SELECT task_def_key_, count(*) AS open, min(create_time_) AS oldest FROM act_ru_task "
                            + "WHERE task_def_key_ IS NOT NULL GROUP BY task_def_key_")
                    .query((rs, row) -> new Tasks(rs.getString(1), rs.getLong(2), instant(rs.getTimestamp(3)))).list();
            openTasks.set(numbers(tasks, Tasks::task, Tasks::open));
            oldestTask.set(numbers(tasks, Tasks::task, t -> ageSeconds(t.oldest())));

            Instant now = Instant.now();
            Queued queued = jdbc.sql("SELECT count(*), min(queued_at) FROM key_mail_queue")
                    .query((rs, row) -> new Queued(rs.getLong(1), instant(rs.getTimestamp(2)))).single();
            // an external task is due when no node holds it: never locked, its lock passed, or its retry time (a failed
            // call is locked until then) has come
            Queued remoteCalls = jdbc.sql("""
                    SELECT count(*), min(coalesce(lock_exp_time_, create_time_)) FROM act_ru_ext_task
                    WHERE suspension_state_ = 1 AND (retries_ IS NULL OR retries_ > 0)
                    AND (lock_exp_time_ IS NULL OR lock_exp_time_ <= ?)""")
                    .param(Timestamp.from(now)).query((rs, row) -> new Queued(rs.getLong(1), instant(rs.getTimestamp(2)))).single();
            engine.set(new Engine(
                    runtime.createIncidentQuery().count(),
                    management.createJobQuery().executable().count(),
                    management.createJobQuery().noRetriesLeft().count(),
                    jdbc.sql("""
                            SELECT min(coalesce(duedate_, create_time_)) FROM act_ru_job
                            WHERE retries_ > 0 AND suspension_state_ = 1 AND (duedate_ IS NULL OR duedate_ <= ?)""")
                            .param(Timestamp.from(now)).query((rs, row) -> instant(rs.getTimestamp(1))).list().get(0),
                    jdbc.sql("""
                            SELECT min(o.paid_at) FROM customer_order o WHERE o.status = 'PAID' AND o.quantity >
                                (SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD')""")
                            .query((rs, row) -> instant(rs.getTimestamp(1))).list().get(0), // min() of nothing is null: list, not single()
                    queued.count(), queued.oldest(), remoteCalls.count(), remoteCalls.oldest()));
        } catch (RuntimeException e) { // the database is down or busy: keep the last values, readiness reports the database
            log.warn("could not refresh the shop gauges: {}", e.toString());
        }
    }

    /** The gauge rows' numbers by their tag value. */
    private static <T> Map<String, Double> numbers(List<T> rows, Function<T, String> tag, ToDoubleFunction<T> number) {
        Map<String, Double> values = new LinkedHashMap<>();
        rows.forEach(row -> values.put(tag.apply(row), number.applyAsDouble(row)));
        return values;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static double ageSeconds(Instant since) {
        return since == null ? 0 : Math.max(0, Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }
}
