package io.kamiflow.cockpit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kamiflow.catalog.Money;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Everything that happened to one order, oldest first: domain rows (checkout, payments, claim, delivery attempts,
 * key reveals, refunds, admin actions) and Camunda history (its instances, tasks, incidents). Works the same for
 * orders whose process has ended. Key values are never read: card_key is only counted.
 */
@Component
public class OrderTimeline {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String AUDIT_EVENT_COLUMNS = "id, actor, action, subject, detail, occurred_at";
    private static final String DELIVERY_ATTEMPT_COLUMNS = "id, order_id, channel, attempt_no, recipient, outcome, error, message_id, attempted_at";
    private static final String PAYMENT_COLUMNS = "id, channel, trade_no, order_no, amount_minor, currency, raw_status, raw_notice, received_at,"
            + " refunded_at, refund_reference, event_id, process_instance_id, refund_status, refund_request_id,"
            + " refund_requested_at, refund_instance_id";

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

    /** What TaskFormChecks writes for a decision: {@code taskKey: variable=value}, then {@code : note} if any. */
    private static final Pattern DECISION = Pattern.compile("(\\w+): (\\w+)=(\\w+)(?:: (.*))?", Pattern.DOTALL);

    private final JdbcTemplate jdbc;
    private final HistoryService history;
    private final RuntimeService runtime;
    private final IdentityService identity;
    private final MessageSource messages;
    private final RepositoryService repository;

    OrderTimeline(JdbcTemplate jdbc, HistoryService history, RuntimeService runtime, IdentityService identity,
                  MessageSource messages, RepositoryService repository) {
        this.messages = messages;
        this.repository = repository;
        this.jdbc = jdbc;
        this.history = history;
        this.runtime = runtime;
        this.identity = identity;
    }

    /** In English, addresses as they are: Cockpit's Orders view. */
    public Optional<Timeline> of(String orderNo) {
        return of(orderNo, Locale.ENGLISH, UnaryOperator.identity());
    }

    /**
     * @param locale the reader's language: every title and label in words from the message bundles ({@code mails.tl.*})
     * @param address how the buyer's address is shown (the back office masks it)
     */
    public Optional<Timeline> of(String orderNo, Locale locale, UnaryOperator<String> address) {
        return new Reading(locale, address).of(orderNo);
    }

    /** One reading of one timeline, in one language. */
    private final class Reading {

        private final Locale locale;
        private final UnaryOperator<String> address;

        Reading(Locale locale, UnaryOperator<String> address) {
            this.locale = locale;
            this.address = address;
        }

        Optional<Timeline> of(String orderNo) {
            List<Found> found = jdbc.query("SELECT " + OrderSearch.COLUMNS + " FROM customer_order o JOIN product p ON p.id = o.product_id"
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
            buyerMails(orderId, events);
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

        private String t(String key, Object... args) {
            return messages.getMessage("mails.tl." + key, args, locale);
        }

        /** Words for a value the code knows ({@code mails.tl.PREFIX.VALUE}); an unknown one as it is. */
        private String words(String prefix, String value) {
            return value == null ? null : messages.getMessage("mails.tl." + prefix + "." + value, null, value, locale);
        }

        /** Pairs of label key ({@code mails.tl.d.KEY}) and value, in order; null values are left out. */
        private Map<String, String> details(String... pairs) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                if (pairs[i + 1] != null) {
                    map.put(t("d." + pairs[i].replace(' ', '_')), pairs[i + 1]);
                }
            }
            return map;
        }

        private void orderEvents(OrderSearch.Row order, List<Event> events) {
            events.add(new Event(order.createdAt(), "CHECKOUT", t("checkout"), details(
                    "product", order.sku(), "quantity", Integer.toString(order.quantity()),
                    "amount", order.amount() + " " + order.currency(), "channel", order.channel(),
                    "buyer", order.email() == null ? null : address.apply(order.email()))));
            if (order.paidAt() != null) {
                events.add(new Event(order.paidAt(), "STATUS", t("paid"), details()));
            }
            if (order.deliveredAt() != null) {
                events.add(new Event(order.deliveredAt(), "STATUS", t("delivered"), details()));
            }
        }

        /** @param paying the payment that paid the order, if one did */
        private void payments(Long paying, String orderNo, List<Event> events) {
            jdbc.query("SELECT " + PAYMENT_COLUMNS + " FROM payment WHERE order_no = ? ORDER BY id", rs -> {
                long id = rs.getLong("id");
                String amount = new Money(rs.getLong("amount_minor"), rs.getString("currency")).amount() + " " + rs.getString("currency");
                events.add(new Event(Times.text(rs, "received_at"), "PAYMENT", t("payment"), details(
                        "channel", rs.getString("channel"), "trade no", rs.getString("trade_no"), "amount", amount,
                        "gateway status", rs.getString("raw_status"),
                        "review", paying != null && paying == id ? t("payment.accepted") : t("payment.review"))));
                String refundStatus = rs.getString("refund_status");
                if (refundStatus != null) {
                    events.add(new Event(refundTime(orderNo, Times.text(rs, "refunded_at")), "REFUND", words("refund", refundStatus),
                            details("channel", rs.getString("channel"), "trade no", rs.getString("trade_no"), "amount", amount,
                                    "refund status", words("refundStatus", refundStatus), "refund reference", rs.getString("refund_reference"),
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
                    events.add(new Event(claimedAt, "CLAIM", t("claim"), details("keys", Integer.toString(rs.getInt("claimed")))));
                }
                return new Keys(rs.getInt("sold"), rs.getInt("reserved"), rs.getInt("voided"));
            }, orderId);
        }

        /**
         * Each key mail attempt in words: sent, failed for a while (retried on a timer), refused for good (support takes
         * over); an attempt after one that was sent is a resend.
         */
        private void deliveryAttempts(long orderId, List<Event> events) {
            boolean[] sentBefore = {false};
            jdbc.query("SELECT " + DELIVERY_ATTEMPT_COLUMNS + " FROM delivery_attempt WHERE order_id = ? ORDER BY attempt_no", rs -> {
                String outcome = rs.getString("outcome");
                boolean resend = sentBefore[0];
                String recipient = rs.getString("recipient");
                events.add(new Event(Times.text(rs, "attempted_at"), "DELIVERY_ATTEMPT",
                        t(resend ? "attempt.resend" : "attempt", rs.getInt("attempt_no"), words("outcome", outcome)),
                        details("via", words("via", rs.getString("channel")),
                                "recipient", recipient == null ? null : recipient.contains("@") ? address.apply(recipient) : recipient,
                                "outcome", words("outcome", outcome), "next", "SENT".equals(outcome) ? null : words("next", outcome),
                                "error", rs.getString("error"))));
                sentBefore[0] |= "SENT".equals(outcome);
            }, orderId);
        }

        /** The buyer's other mails (the find-order link): what was mailed and whether the server took it. */
        private void buyerMails(long orderId, List<Event> events) {
            jdbc.query("SELECT kind, outcome, sent_at FROM buyer_mail WHERE order_id = ? ORDER BY id", rs -> {
                events.add(new Event(Times.text(rs, "sent_at"), "MAIL",
                        t("mail", words("mailKind", rs.getString("kind")), words("mailOutcome", rs.getString("outcome"))),
                        details()));
            }, orderId);
        }

        private void reveals(long orderId, List<Event> events) {
            jdbc.query("SELECT channel, revealed_at, count(*) AS keys FROM key_reveal WHERE order_id = ?"
                    + " GROUP BY channel, revealed_at ORDER BY revealed_at", rs -> {
                events.add(new Event(Times.text(rs, "revealed_at"), "KEY_REVEAL", t("reveal"),
                        details("how", words("reveal", rs.getString("channel")), "keys", Integer.toString(rs.getInt("keys")))));
            }, orderId);
        }

        /**
         * Staff and support actions: the action in words, and a task's decision ({@code taskKey: variable=value: note}, as
         * the task listeners write it) as the decision in words with support's note.
         */
        private void audit(String orderNo, List<Event> events) {
            jdbc.query("SELECT " + AUDIT_EVENT_COLUMNS + " FROM audit_event WHERE subject = ? ORDER BY id", rs -> {
                String action = rs.getString("action");
                String detail = rs.getString("detail");
                Matcher decision = detail == null ? null : DECISION.matcher(detail);
                if ("task.complete".equals(action) && decision.matches()) {
                    events.add(new Event(Times.text(rs, "occurred_at"), "AUDIT",
                            t("decided", words("task", decision.group(1)),
                                    words("decision", decision.group(2) + "." + decision.group(3))),
                            details("by", rs.getString("actor"), "note", decision.group(4))));
                    return;
                }
                events.add(new Event(Times.text(rs, "occurred_at"), "AUDIT", words("audit", action),
                        details("by", rs.getString("actor"), "detail", detail)));
            }, orderNo);
        }

        private List<Instance> engineHistory(String orderNo, List<Event> events) {
            List<Instance> instances = new ArrayList<>();
            List<String> running = runtime.createProcessInstanceQuery().processInstanceBusinessKey(orderNo).list().stream()
                    .map(ProcessInstance::getId).toList();
            for (HistoricProcessInstance instance : history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(orderNo)
                    .orderByProcessInstanceStartTime().asc().list()) {
                String name = named("processName", instance.getProcessDefinitionKey(),
                    instance.getProcessDefinitionName() == null ? instance.getProcessDefinitionKey() : instance.getProcessDefinitionName());
                boolean isRunning = running.contains(instance.getId());
                instances.add(new Instance(instance.getId(), instance.getProcessDefinitionKey(), name, instance.getState(),
                        Times.text(instance.getStartTime()), Times.text(instance.getEndTime()),
                        isRunning ? "#/process-instance/" + instance.getId() : null));
                events.add(new Event(Times.text(instance.getStartTime()), "PROCESS", t("process.started", name),
                        details("instance", instance.getId(), "state", isRunning ? t("state.running") : words("state", instance.getState()))));
                if (instance.getEndTime() != null) {
                    events.add(new Event(Times.text(instance.getEndTime()), "PROCESS",
                            t("process.ended", name, words("state", instance.getState())),
                            details("instance", instance.getId(), "end", endActivity(instance))));
                }
                for (HistoricIncident incident : history.createHistoricIncidentQuery().processInstanceId(instance.getId()).list()) {
                    events.add(new Event(Times.text(incident.getCreateTime()), "INCIDENT", t("incident", activityName(instance.getId(), incident.getActivityId())),
                            details("type", words("incidentType", incident.getIncidentType()), "message", incident.getIncidentMessage(),
                                    "state", incident.isOpen() ? t("state.open") : incident.isResolved() ? t("state.resolved") : t("state.deleted"),
                                    "ended at", Times.text(incident.getEndTime()))));
                }
            }
            for (HistoricTaskInstance task : history.createHistoricTaskInstanceQuery().processInstanceBusinessKey(orderNo)
                    .orderByHistoricActivityInstanceStartTime().asc().list()) {
                boolean open = task.getEndTime() == null;
            String name = named("taskName", task.getTaskDefinitionKey(), task.getName());
                events.add(new Event(Times.text(task.getStartTime()), "TASK", t("task.opened", name),
                        details("state", open ? t("state.open") : words("taskEnd", task.getDeleteReason()), "assignee", task.getAssignee())));
                if (!open) {
                    boolean completed = "completed".equals(task.getDeleteReason());
                    events.add(new Event(Times.text(task.getEndTime()), "TASK", t(completed ? "task.completed" : "task.closed", name),
                            details(completed ? "completed by" : "assignee", task.getAssignee(), "reason", completed ? null : words("taskEnd", task.getDeleteReason()))));
                }
            }
            return instances;
        }

        /**
         * A process's or task's name in the reader's language ({@code mails.tl.PREFIX.KEY}, which only the Chinese bundle
         * has), else the diagram's English name (a task's name tells its order).
         */
        private String named(String prefix, String key, String fallback) {
            return key == null ? fallback : messages.getMessage("mails.tl." + prefix + "." + key, null, fallback, locale);
        }

        /** The diagram's name of an activity (a person reads "Send keys", not SendKeys). */
        private String activityName(String instanceId, String activityId) {
            if (activityId == null) {
                return "?";
            }
            return recordedName(instanceId, activityId).orElse(activityId);
        }

        /** An activity's name as its history row holds it, when the history keeps a row of it. */
        private Optional<String> recordedName(String instanceId, String activityId) {
            return history.createHistoricActivityInstanceQuery().processInstanceId(instanceId).activityId(activityId).list()
                    .stream().map(HistoricActivityInstance::getActivityName).filter(n -> n != null).findFirst();
        }

        private String endActivity(HistoricProcessInstance instance) {
            if (instance.getEndActivityId() == null) {
                return null;
            }
            String name = recordedName(instance.getId(), instance.getEndActivityId())
                    .orElseGet(() -> diagramName(instance.getProcessDefinitionId(), instance.getEndActivityId()));
            return named("activityName", instance.getEndActivityId(), name);
        }

        /**
         * An element's name in its process's diagram: for an end the lean history keeps no activity row of ("Key mail
         * queued", LeanHistoryEventHandler), else its id. The model comes from Camunda's deployment cache.
         */
        private String diagramName(String processDefinitionId, String elementId) {
            var model = processDefinitionId == null ? null : repository.getBpmnModelInstance(processDefinitionId);
            var element = model == null ? null : model.getModelElementById(elementId);
            String name = element == null ? null : element.getAttributeValue("name");
            return name == null ? elementId : name;
        }
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
}
