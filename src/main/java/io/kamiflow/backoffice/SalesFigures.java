package io.kamiflow.backoffice;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.StockService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the dashboard shows of the shop's sales, read from the domain tables (never from Camunda history, which is
 * cleaned up). Every query is bounded by its period and served by an index on the column it filters.
 */
@Component
class SalesFigures {

    /** Orders read to measure paid-to-keys for one period: enough for a p95 that means something, bounded for big shops. */
    static final int TIMING_SAMPLE = 20_000;

    record Period(String key, Duration length) {
    }

    static final List<Period> PERIODS = List.of(new Period("today", Duration.ofDays(1)), new Period("week", Duration.ofDays(7)),
            new Period("month", Duration.ofDays(30)));

    record Figures(String period, long paidOrders, List<String> revenue, long refunds, List<String> refunded, long keysSold,
                   Duration averageToKeys, Duration p95ToKeys) {

        /** "12 ms / 40 ms" or "1.20 s / 3.50 s"; null when no order was paid in the period. */
        public String toKeys() {
            return averageToKeys == null ? null : readable(averageToKeys) + " / " + readable(p95ToKeys);
        }

        private static String readable(Duration duration) {
            long millis = duration.toMillis();
            return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
        }
    }

    record Day(LocalDate date, long paidOrders) {
    }

    record Stock(String sku, String name, boolean active, int lowStockThreshold, long available, long reserved, long sold) {
        public boolean low() {
            return lowStockThreshold > 0 && available <= lowStockThreshold;
        }
    }

    record ChannelActivity(String channel, OffsetDateTime lastPayment, long paymentsToday) {
    }

    private final JdbcClient jdbc;
    private final ProductRepository products;
    private final StockService stockService;

    SalesFigures(JdbcClient jdbc, ProductRepository products, StockService stockService) {
        this.jdbc = jdbc;
        this.products = products;
        this.stockService = stockService;
    }

    /** Today (the last 24 h), the last 7 and 30 days, as of one read. */
    @Transactional(readOnly = true)
    List<Figures> periods(Instant now) {
        List<Figures> figures = new ArrayList<>();
        for (Period period : PERIODS) {
            figures.add(figures(period.key(), now.minus(period.length())));
        }
        return figures;
    }

    private Figures figures(String period, Instant since) {
        OffsetDateTime from = since.atOffset(ZoneOffset.UTC);
        long paid = jdbc.sql("SELECT count(*) FROM customer_order WHERE paid_at >= ?").param(from).query(Long.class).single();
        List<String> revenue = amounts("SELECT currency, sum(amount_minor) FROM payment WHERE received_at >= ? "
                + "GROUP BY currency ORDER BY currency", from);
        long refunds = jdbc.sql("SELECT count(*) FROM payment WHERE refunded_at >= ?").param(from).query(Long.class).single();
        List<String> refunded = amounts("SELECT currency, sum(amount_minor) FROM payment WHERE refunded_at >= ? "
                + "GROUP BY currency ORDER BY currency", from);
        long keys = jdbc.sql("SELECT count(*) FROM card_key WHERE sold_at >= ? AND status = 'SOLD'").param(from)
                .query(Long.class).single();
        List<Long> toKeys = jdbc.sql("""
                SELECT o.paid_at, min(k.sold_at) FROM customer_order o JOIN card_key k ON k.order_id = o.id
                WHERE o.paid_at >= ? AND k.sold_at IS NOT NULL GROUP BY o.id, o.paid_at ORDER BY o.paid_at DESC LIMIT ?""")
                .params(from, TIMING_SAMPLE).query((rs, row) -> Duration.between(rs.getObject(1, OffsetDateTime.class),
                        rs.getObject(2, OffsetDateTime.class)).toMillis())
                .list().stream().map(millis -> Math.max(0, millis)).sorted().toList();
        Duration average = toKeys.isEmpty() ? null
                : Duration.ofMillis(Math.round(toKeys.stream().mapToLong(Long::longValue).average().orElse(0)));
        Duration p95 = toKeys.isEmpty() ? null : Duration.ofMillis(toKeys.get((int) Math.ceil(toKeys.size() * 0.95) - 1));
        return new Figures(period, paid, revenue, refunds, refunded, keys, average, p95);
    }

    private List<String> amounts(String sql, OffsetDateTime from) {
        return jdbc.sql(sql).param(from).query((rs, row) -> new Money(rs.getLong(2), rs.getString(1).strip()))
                .list().stream().map(money -> money.amount() + " " + money.currency()).toList();
    }

    /** Paid orders per day for the last {@code days} days in the shop's zone, oldest first, days without sales as 0. */
    @Transactional(readOnly = true)
    List<Day> paidPerDay(Instant now, int days, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate first = today.minusDays(days - 1L);
        Map<LocalDate, Long> counts = new LinkedHashMap<>();
        for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
            counts.put(day, 0L);
        }
        jdbc.sql("SELECT paid_at FROM customer_order WHERE paid_at >= ?")
                .param(first.atStartOfDay(zone).toOffsetDateTime())
                .query((rs, row) -> rs.getObject(1, OffsetDateTime.class).atZoneSameInstant(zone).toLocalDate())
                .list().forEach(day -> counts.computeIfPresent(day, (key, count) -> count + 1));
        return counts.entrySet().stream().map(entry -> new Day(entry.getKey(), entry.getValue())).toList();
    }

    /** Every product with its keys by status, hidden ones too (sku order), counted as the products page counts them. */
    @Transactional(readOnly = true)
    List<Stock> stock() {
        Map<Long, StockService.Stock> counts = stockService.stockByProduct();
        return products.findAll().stream().map(product -> {
            StockService.Stock keys = counts.getOrDefault(product.id(), StockService.Stock.NONE);
            return new Stock(product.sku(), product.name(), product.active(), product.lowStockThreshold(), keys.available(),
                    keys.reserved(), keys.sold());
        }).toList();
    }

    /** The order numbers of these order ids (those that exist). */
    @Transactional(readOnly = true)
    Map<Long, String> orderNos(List<Long> orderIds) {
        Map<Long, String> orderNos = new LinkedHashMap<>();
        if (!orderIds.isEmpty()) {
            jdbc.sql("SELECT id, order_no FROM customer_order WHERE id IN (:ids)").param("ids", orderIds)
                    .query(rs -> { orderNos.put(rs.getLong(1), rs.getString(2)); });
        }
        return orderNos;
    }

    /** Each channel that has taken a payment: when it last did, and how many in the last 24 h. */
    @Transactional(readOnly = true)
    List<ChannelActivity> channels(Instant now) {
        OffsetDateTime dayAgo = now.minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC);
        return jdbc.sql("""
                SELECT channel, max(received_at) AS last_payment,
                       sum(CASE WHEN received_at >= ? THEN 1 ELSE 0 END) AS today
                FROM payment GROUP BY channel ORDER BY channel""")
                .param(dayAgo)
                .query((rs, row) -> new ChannelActivity(rs.getString("channel"), rs.getObject("last_payment", OffsetDateTime.class),
                        rs.getLong("today")))
                .list();
    }
}
