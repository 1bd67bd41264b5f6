package io.kamiflow.cockpit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.kamiflow.catalog.Money;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Everything that happened to one order, oldest first: domain rows (checkout, payments, claim, delivery attempts,
 * key reveals, refunds, admin actions) and Camunda history (its instances, tasks, incidents). Works the same for
 * orders whose process has ended. Key values are never read: card_key is only counted.
 */
@Component
public class OrderTimeline {

    public record Event(String at, String kind, String title, Map<String, String> detail) {
    }

    public record Instance(String id, String processDefinitionKey, String processDefinitionName, String state, String startedAt,
                    String endedAt, String cockpitLink) {
    }

    public record Keys(int sold, int reserved, int voided) {
    }

    public record Timeline(OrderSearch.Row order, Keys keys, String cockpitLink, List<Instance> processes, List<Event> events) {
    }

    private record Found(long id, Long paymentId, OrderSearch.Row row) {
    }

    private final JdbcTemplate jdbc;
    private final HistoryService history;
    private final RuntimeService runtime;
    private final IdentityService identity;

    OrderTimeline(JdbcTemplate jdbc, HistoryService history, RuntimeService runtime, IdentityService identity) {
        this.jdbc = jdbc;
        this.history = history;
        this.runtime = runtime;
        this.identity = identity;
    }

    public Optional<Timeline> of(String orderNo) {
        List<Found> found = jdbc.query("SELECT o.*, p.sku FROM customer_order o JOIN product p ON p.id = o.product_id"
                + " WHERE o.order_no = ?", (rs, n) -> new Found(rs.getLong("id"), rs.getObject("payment_id", Long.class),
                OrderSearch.row(rs)), orderNo);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        long orderId = found.get(0).id();
        OrderSearch.Row order = found.get(0).row();
        List<Event> events = new ArrayList<>();
        orderEvents(order, events);
        payments(found.get(0).paymentId(), orderNo, events);
        Keys keys = claim(orderId, events);
        deliveryAttempts(orderId, events);
        reveals(orderId, events);
        audit(orderNo, events);
        HandDeliveryRows.add(jdbc, orderId, events);
        List<Instance> processes = asApplication(() -> engineHistory(orderNo, events));
        events.sort(Comparator.comparing(e -> e.at() == null ? Instant.MAX : Instant.parse(e.at()))); // stable: ties keep their order
        String link = processes.stream().filter(p -> p.cockpitLink() != null)
                .min(Comparator.comparing(p -> "order-fulfillment".equals(p.processDefinitionKey()) ? 0 : 1))
                .map(Instance::cockpitLink).orElse(null);
        return Optional.of(new Timeline(order, keys, link, processes, events));
    }

    private void orderEvents(OrderSearch.Row order, List<Event> events) {
        events.add(new Event(order.createdAt(), "CHECKOUT", "Order placed", details(
                "product", order.sku(), "quantity", Integer.toString(order.quantity()),
                "amount", order.amount() + " " + order.currency(), "channel", order.channel(), "buyer", order.email())));
        if (order.paidAt() != null) {
            events.add(new Event(order.paidAt(), "STATUS", "Order paid", details()));
        }
        if (order.deliveredAt() != null) {
            events.add(new Event(order.deliveredAt(), "STATUS", "Order delivered", details()));
        }
    }

    /** @param paying the payment that paid the order, if one did */
    private void payments(Long paying, String orderNo, List<Event> events) {
        jdbc.query("SELECT * FROM payment WHERE order_no = ? ORDER BY id", rs -> {
            long id = rs.getLong("id");
            String amount = new Money(rs.getLong("amount_minor"), rs.getString("currency")).amount() + " " + rs.getString("currency");
            events.add(new Event(Times.text(rs, "received_at"), "PAYMENT", "Payment received", details(
                    "channel", rs.getString("channel"), "trade no", rs.getString("trade_no"), "amount", amount,
                    "gateway status", rs.getString("raw_status"),
                    "review", paying != null && paying == id ? "accepted: pays this order"
                            : "not this order's payment (Review payment task)")));
            String refundStatus = rs.getString("refund_status");
            if (refundStatus != null) {
                events.add(new Event(refundTime(orderNo, Times.text(rs, "refunded_at")), "REFUND", "Refund " + refundStatus.toLowerCase(),
                        details("channel", rs.getString("channel"), "trade no", rs.getString("trade_no"), "amount", amount,
                                "refund status", refundStatus, "refund reference", rs.getString("refund_reference"),
                                "money returned at", Times.text(rs, "refunded_at"))));
            }
        }, orderNo);
    }

    /** Confirmed refunds at their confirmation; pending ones at the latest refund audit entry of the order. */
    private String refundTime(String orderNo, String refundedAt) {
        if (refundedAt != null) {
            return refundedAt;
        }
        return jdbc.query("SELECT max(occurred_at) AS at FROM audit_event WHERE subject = ? AND action LIKE '%refund%'",
                rs -> rs.next() ? Times.text(rs, "at") : null, orderNo);
    }

    private Keys claim(long orderId, List<Event> events) {
        return jdbc.query("SELECT count(*) FILTER (WHERE status = 'SOLD') AS sold, count(*) FILTER (WHERE status = 'RESERVED') AS reserved,"
                + " count(*) FILTER (WHERE status = 'VOID') AS voided, min(sold_at) AS claimed_at,"
                + " count(*) FILTER (WHERE sold_at IS NOT NULL) AS claimed FROM card_key WHERE order_id = ?", rs -> {
            rs.next();
            String claimedAt = Times.text(rs, "claimed_at");
            if (claimedAt != null) {
                events.add(new Event(claimedAt, "CLAIM", "Keys claimed", details("keys", Integer.toString(rs.getInt("claimed")))));
            }
            return new Keys(rs.getInt("sold"), rs.getInt("reserved"), rs.getInt("voided"));
        }, orderId);
    }

    private void deliveryAttempts(long orderId, List<Event> events) {
        jdbc.query("SELECT * FROM delivery_attempt WHERE order_id = ? ORDER BY attempt_no", rs -> {
            events.add(new Event(Times.text(rs, "attempted_at"), "DELIVERY_ATTEMPT", "Delivery attempt " + rs.getInt("attempt_no"),
                    details("channel", rs.getString("channel"), "recipient", rs.getString("recipient"),
                            "outcome", rs.getString("outcome"), "error", rs.getString("error"))));
        }, orderId);
    }

    private void reveals(long orderId, List<Event> events) {
        jdbc.query("SELECT channel, revealed_at, count(*) AS keys FROM key_reveal WHERE order_id = ?"
                + " GROUP BY channel, revealed_at ORDER BY revealed_at", rs -> {
            String how = switch (rs.getString("channel")) {
                case "PAGE" -> "shown on the order page";
                case "MAIL" -> "handed to SMTP in a key mail";
                case "HAND" -> "delivered by hand by support";
                default -> rs.getString("channel");
            };
            events.add(new Event(Times.text(rs, "revealed_at"), "KEY_REVEAL", "Keys revealed",
                    details("how", how, "keys", Integer.toString(rs.getInt("keys")))));
        }, orderId);
    }

    private void audit(String orderNo, List<Event> events) {
        jdbc.query("SELECT * FROM audit_event WHERE subject = ? ORDER BY id", rs -> {
            events.add(new Event(Times.text(rs, "occurred_at"), "AUDIT", rs.getString("action"),
                    details("by", rs.getString("actor"), "detail", rs.getString("detail"))));
        }, orderNo);
    }

    private List<Instance> engineHistory(String orderNo, List<Event> events) {
        List<Instance> instances = new ArrayList<>();
        List<String> running = runtime.createProcessInstanceQuery().processInstanceBusinessKey(orderNo).list().stream()
                .map(ProcessInstance::getId).toList();
        for (HistoricProcessInstance instance : history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(orderNo)
                .orderByProcessInstanceStartTime().asc().list()) {
            String name = instance.getProcessDefinitionName() == null ? instance.getProcessDefinitionKey() : instance.getProcessDefinitionName();
            boolean isRunning = running.contains(instance.getId());
            instances.add(new Instance(instance.getId(), instance.getProcessDefinitionKey(), name, instance.getState(),
                    Times.text(instance.getStartTime()), Times.text(instance.getEndTime()),
                    isRunning ? "#/process-instance/" + instance.getId() : null));
            events.add(new Event(Times.text(instance.getStartTime()), "PROCESS", name + " started",
                    details("instance", instance.getId(), "state", isRunning ? "running" : instance.getState())));
            if (instance.getEndTime() != null) {
                events.add(new Event(Times.text(instance.getEndTime()), "PROCESS", name + " ended: " + instance.getState().toLowerCase(),
                        details("instance", instance.getId(), "end", endActivity(instance))));
            }
            for (HistoricIncident incident : history.createHistoricIncidentQuery().processInstanceId(instance.getId()).list()) {
                events.add(new Event(Times.text(incident.getCreateTime()), "INCIDENT", "Incident at " + incident.getActivityId(),
                        details("type", incident.getIncidentType(), "message", incident.getIncidentMessage(),
                                "state", incident.isOpen() ? "open" : incident.isResolved() ? "resolved" : "deleted",
                                "ended at", Times.text(incident.getEndTime()))));
            }
        }
        for (HistoricTaskInstance task : history.createHistoricTaskInstanceQuery().processInstanceBusinessKey(orderNo)
                .orderByHistoricActivityInstanceStartTime().asc().list()) {
            boolean open = task.getEndTime() == null;
            events.add(new Event(Times.text(task.getStartTime()), "TASK", "Task opened: " + task.getName(),
                    details("state", open ? "open" : task.getDeleteReason(), "assignee", task.getAssignee())));
            if (!open) {
                boolean completed = "completed".equals(task.getDeleteReason());
                events.add(new Event(Times.text(task.getEndTime()), "TASK", (completed ? "Task completed: " : "Task closed: ") + task.getName(),
                        details(completed ? "completed by" : "assignee", task.getAssignee(), "reason", task.getDeleteReason())));
            }
        }
        return instances;
    }

    private String endActivity(HistoricProcessInstance instance) {
        if (instance.getEndActivityId() == null) {
            return null;
        }
        return history.createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
                .activityId(instance.getEndActivityId()).list().stream().map(HistoricActivityInstance::getActivityName)
                .filter(name -> name != null).findFirst().orElse(instance.getEndActivityId());
    }

    /**
     * The plugin's own grant decides who sees an order; Camunda's history grants (per process definition) are not
     * asked again, so a kamiflow-admin without camunda-admin sees the same timeline.
     */
    private <T> T asApplication(Supplier<T> work) {
        Authentication user = identity.getCurrentAuthentication();
        identity.clearAuthentication();
        try {
            return work.get();
        } finally {
            if (user != null) {
                identity.setAuthentication(user);
            }
        }
    }

    /** Pairs of name and value, in order; null values are left out. */
    private static Map<String, String> details(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                map.put(pairs[i], pairs[i + 1]);
            }
        }
        return map;
    }
}
