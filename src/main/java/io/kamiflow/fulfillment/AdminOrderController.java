package io.kamiflow.fulfillment;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kamiflow.fulfillment.FulfillmentCommands;
import io.kamiflow.web.JsonTimes;
import io.kamiflow.web.Problems;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Orders as support and merchants see them; resend and refund go through the order's process. */
@RestController
class AdminOrderController {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String DELIVERY_ATTEMPT_COLUMNS = "id, order_id, channel, attempt_no, recipient, outcome, error, message_id, attempted_at";
    private static final String PAYMENT_COLUMNS = "id, channel, trade_no, order_no, amount_minor, currency, raw_status, raw_notice, received_at,"
            + " refunded_at, refund_reference, event_id, process_instance_id, refund_status, refund_request_id,"
            + " refund_requested_at, refund_instance_id";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** @param personalDataErasedAt when the retention policy erased the buyer's data (email is then a placeholder) */
    record OrderSummary(String orderNo, String status, String sku, int quantity, String amount, String currency,
                        String channel, String email, String createdAt, String paidAt, String deliveredAt,
                        String personalDataErasedAt) {
    }

    record PaymentView(String channel, String tradeNo, String amount, String currency, String status, String receivedAt,
                       String refundedAt, String refundReference, String refundStatus) {
    }

    record AttemptView(int attemptNo, String recipient, String outcome, String error, String at) {
    }

    record OrderDetail(OrderSummary order, List<PaymentView> payments, List<AttemptView> deliveryAttempts,
                       int keysHeld, List<String> openTasks) {
    }

    record RefundRequest(String reason) {
    }

    record Accepted(String orderNo, String result) {
    }

    private final OrderRepository orders;
    private final FulfillmentCommands commands;
    private final JdbcClient jdbc;
    private final TaskService tasks;

    AdminOrderController(OrderRepository orders, FulfillmentCommands commands, JdbcClient jdbc, TaskService tasks) {
        this.orders = orders;
        this.commands = commands;
        this.jdbc = jdbc;
        this.tasks = tasks;
    }

    @GetMapping("/api/admin/orders")
    List<OrderSummary> list(@RequestParam(required = false) String status, @RequestParam(required = false) String email) {
        if (status != null && Arrays.stream(OrderStatus.values()).noneMatch(s -> s.name().equals(status))) {
            throw Problems.badRequest("status must be one of " + Arrays.toString(OrderStatus.values()));
        }
        Map<Long, String> skus = new HashMap<>(); // a page of orders spans few products
        return orders.search(status, email == null || email.isBlank() ? null : email.strip(), 200).stream()
                .map(order -> summary(order, skus.computeIfAbsent(order.productId(), this::sku))).toList();
    }

    @GetMapping("/api/admin/orders/{orderNo}")
    OrderDetail get(@PathVariable String orderNo) {
        Order order = order(orderNo);
        List<PaymentView> payments = jdbc.sql("SELECT " + PAYMENT_COLUMNS + " FROM payment WHERE order_no = ? ORDER BY id").param(orderNo)
                .query((rs, row) -> new PaymentView(rs.getString("channel"), rs.getString("trade_no"),
                        new io.kamiflow.catalog.Money(rs.getLong("amount_minor"), rs.getString("currency")).amount(),
                        rs.getString("currency"), rs.getString("raw_status"), text(rs.getObject("received_at", OffsetDateTime.class)),
                        text(rs.getObject("refunded_at", OffsetDateTime.class)), rs.getString("refund_reference"), rs.getString("refund_status")))
                .list();
        List<AttemptView> attempts = jdbc.sql("SELECT " + DELIVERY_ATTEMPT_COLUMNS + " FROM delivery_attempt WHERE order_id = ? ORDER BY attempt_no")
                .param(order.id())
                .query((rs, row) -> new AttemptView(rs.getInt("attempt_no"), rs.getString("recipient"), rs.getString("outcome"),
                        rs.getString("error"), text(rs.getObject("attempted_at", OffsetDateTime.class))))
                .list();
        int keysHeld = jdbc.sql("SELECT count(*) FROM card_key WHERE order_id = ? AND status IN ('SOLD', 'RESERVED')")
                .param(order.id()).query(Integer.class).single();
        List<String> openTasks = tasks.createTaskQuery().processInstanceBusinessKey(orderNo).list().stream()
                .map(Task::getName).toList();
        return new OrderDetail(summary(order, sku(order.productId())), payments, attempts, keysHeld, openTasks);
    }

    @PostMapping("/api/admin/orders/{orderNo}/resend")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Accepted resend(@PathVariable String orderNo) {
        return new Accepted(orderNo, CommandRetry.retryingRaces(() -> commands.resend(order(orderNo))));
    }

    @PostMapping("/api/admin/orders/{orderNo}/refund")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Accepted refund(@PathVariable String orderNo, @RequestBody(required = false) RefundRequest request) {
        String reason = request == null || request.reason() == null || request.reason().isBlank()
                ? "refund requested by admin" : request.reason().strip();
        if (reason.length() > 500) {
            throw Problems.badRequest("reason: at most 500 characters");
        }
        return new Accepted(orderNo, CommandRetry.retryingRaces(() -> commands.refund(order(orderNo), reason)));
    }

    private Order order(String orderNo) {
        return orders.findByOrderNo(orderNo).orElseThrow(() -> Problems.notFound("no order " + orderNo));
    }

    private String sku(long productId) {
        return jdbc.sql("SELECT sku FROM product WHERE id = ?").param(productId).query(String.class).single();
    }

    private OrderSummary summary(Order order, String sku) {
        return new OrderSummary(order.orderNo(), order.status().name(), sku, order.quantity(), order.amount().amount(),
                order.amount().currency(), order.channel(), order.buyerEmail(), text(order.createdAt()),
                text(order.paidAt()), text(order.deliveredAt()), text(order.personalDataErasedAt()));
    }

    private static String text(OffsetDateTime value) {
        return JsonTimes.text(value);
    }
}
