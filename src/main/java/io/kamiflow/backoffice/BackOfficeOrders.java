package io.kamiflow.backoffice;

import java.io.IOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.kamiflow.cockpit.InvalidQuery;
import io.kamiflow.cockpit.OrderFilter;
import io.kamiflow.cockpit.OrderSearch;
import io.kamiflow.cockpit.OrderTimeline;
import io.kamiflow.fulfillment.CommandRetry;
import io.kamiflow.fulfillment.EmailMask;
import io.kamiflow.fulfillment.FulfillmentCommands;
import io.kamiflow.ops.AuditLog;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderPrices;
import io.kamiflow.catalog.MoneyFormat;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.ordering.OrderStatus;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.view.RedirectView;

/**
 * The back office's Orders: the list (Cockpit's search, with the shop's days), its CSV export, and one order with
 * Cockpit's timeline, its open tasks and incidents, and resend and refund through {@link FulfillmentCommands}. Buyers'
 * addresses are masked; key values are never read.
 */
@Controller
class BackOfficeOrders {

    /** The most rows one export streams: a year of a busy shop, still a file a spreadsheet opens. */
    static final int CSV_MAX_ROWS = 100_000;
    private static final Set<String> LIST_PARAMS = Set.of("orderNo", "email", "status", "sku", "channel", "from", "to",
            "after", "size", "needsAttention");
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String[] CSV_HEADER = {"order_no", "created_at", "paid_at", "status", "sku", "quantity", "amount",
            "currency", "channel", "buyer_email"};

    /**
     * One order in the list, as the owner reads it: local times, the buyer's address masked, its open tasks and
     * incidents counted (the list flags them).
     */
    record OrderRow(String orderNo, String createdAt, String sku, int quantity, String amount, String channel,
                    String status, String email, int openTasks, int openIncidents) {
    }

    /** A message for the page after a post, resolved in the reader's language when it is shown. */
    record Outcome(boolean ok, String key, Object[] args) implements java.io.Serializable {
    }

    record OpenTask(String id, String name, String createdAt, String assignee) {
    }

    record OpenIncident(String processInstanceId, String activityId, String type, String message) {
    }

    private final OrderSearch search;
    private final OrderTimeline timelines;
    private final OrderRepository orders;
    private final FulfillmentCommands commands;
    private final TaskService tasks;
    private final RuntimeService runtime;
    private final AuditLog audit;
    private final ZoneId zone;
    private final OrderPrices prices;
    private final ProductRepository products;

    BackOfficeOrders(OrderSearch search, OrderTimeline timelines, OrderRepository orders, FulfillmentCommands commands,
                     TaskService tasks, RuntimeService runtime, AuditLog audit, BackOfficeSettings settings,
                     OrderPrices prices, ProductRepository products) {
        this.prices = prices;
        this.products = products;
        this.search = search;
        this.timelines = timelines;
        this.orders = orders;
        this.commands = commands;
        this.tasks = tasks;
        this.runtime = runtime;
        this.audit = audit;
        this.zone = settings.zone();
    }

    @GetMapping("/admin/orders")
    String list(@RequestParam MultiValueMap<String, String> params, Model model, Authentication user,
                HttpServletResponse response) {
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("statuses", Arrays.stream(OrderStatus.values()).map(Enum::name).toList());
        model.addAttribute("query", single(params));
        model.addAttribute("csvLink", "/admin/orders.csv" + query(params, "after", "size"));
        try {
            OrderSearch.Page page = search.search(filter(params));
            model.addAttribute("orders", page.orders().stream().map(this::row).toList());
            model.addAttribute("olderLink", page.next() == null ? null
                    : "/admin/orders" + query(params, "after") + (query(params, "after").isEmpty() ? "?" : "&")
                    + "after=" + encode(page.next()));
            model.addAttribute("paged", params.containsKey("after"));
        } catch (InvalidQuery e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("error", e.getMessage());
            model.addAttribute("orders", List.of());
        }
        return "admin/orders";
    }

    /**
     * The list's filters as CSV, newest first, at most {@link #CSV_MAX_ROWS} rows, streamed: UTF-8 with a BOM (so a
     * spreadsheet reads Chinese text), RFC 4180 quoting, cells that a spreadsheet would run as a formula made text.
     */
    @GetMapping("/admin/orders.csv")
    void csv(@RequestParam MultiValueMap<String, String> params, HttpServletResponse response) throws IOException {
        OrderFilter filter;
        try {
            filter = filter(params);
        } catch (InvalidQuery e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(e.getMessage());
            return;
        }
        audit.record("order.export", "orders", "CSV of orders" + query(params, "after", "size")
                + " (at most " + CSV_MAX_ROWS + " rows)");
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"orders-"
                + LocalDate.now(zone) + ".csv\"");
        Writer out = response.getWriter();
        out.write('\uFEFF');
        Csv.line(out, CSV_HEADER);
        search.each(filter, CSV_MAX_ROWS, order -> {
            try {
                Csv.line(out, order.orderNo(), local(order.createdAt(), DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                        local(order.paidAt(), DateTimeFormatter.ISO_OFFSET_DATE_TIME), order.status(), order.sku(),
                        Integer.toString(order.quantity()), order.amount(), order.currency(), order.channel(),
                        EmailMask.mask(order.email()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        out.flush();
    }

    @GetMapping("/admin/orders/{orderNo}")
    String order(@PathVariable String orderNo, Model model, Authentication user, HttpServletResponse response) {
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("orderNo", orderNo);
        OrderTimeline.Timeline timeline = validOrderNo(orderNo) ? timelines.of(orderNo, LocaleContextHolder.getLocale(), EmailMask::mask).orElse(null) : null;
        if (timeline == null) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return "admin/order";
        }
        model.addAttribute("order", row(timeline.order()));
        orders.findByOrderNo(orderNo).ifPresent(order -> {
            OrderPrices.Breakdown breakdown = prices.of(order);
            model.addAttribute("price", breakdown.text(LocaleContextHolder.getLocale()));
            io.kamiflow.catalog.Money list = products.getById(order.productId()).price();
            if (list.currency().equals(breakdown.unitPrice().currency()) && list.minor() != breakdown.unitPrice().minor()) {
                // a tier price, or a list price changed since: the owner sees both
                model.addAttribute("listPrice", MoneyFormat.format(list, LocaleContextHolder.getLocale()));
            }
            model.addAttribute("unpaid", order.paymentId() == null);
        });
        model.addAttribute("timeline", timeline);
        model.addAttribute("events", timeline.events().stream().map(this::masked).toList());
        model.addAttribute("tasks", tasks.createTaskQuery().processInstanceBusinessKey(orderNo).active()
                .orderByTaskCreateTime().asc().list().stream().map(task -> new OpenTask(task.getId(), task.getName(),
                        MINUTES.format(task.getCreateTime().toInstant().atZone(zone)), task.getAssignee())).toList());
        List<OpenIncident> incidents = new ArrayList<>();
        for (OrderTimeline.Instance instance : timeline.processes()) {
            runtime.createIncidentQuery().processInstanceId(instance.id()).list().forEach(incident -> incidents.add(
                    new OpenIncident(incident.getProcessInstanceId(), incident.getActivityId(),
                            incident.getIncidentType(), incident.getIncidentMessage())));
        }
        model.addAttribute("incidents", incidents);
        return "admin/order";
    }

    @PostMapping("/admin/orders/{orderNo}/resend")
    RedirectView resend(@PathVariable String orderNo, @RequestParam(required = false) String confirm,
                        RedirectAttributes flash) {
        Outcome outcome;
        if (!"yes".equals(confirm)) {
            outcome = new Outcome(false, "admin.order.confirmRequired", new Object[0]);
        } else {
            outcome = command(orderNo, () -> commands.resend(existing(orderNo)));
        }
        flash.addFlashAttribute("outcome", outcome);
        return back(orderNo);
    }

    @PostMapping("/admin/orders/{orderNo}/refund")
    RedirectView refund(@PathVariable String orderNo, @RequestParam(required = false) String reason,
                        @RequestParam(required = false) String confirm, RedirectAttributes flash) {
        String why = reason == null ? "" : reason.strip();
        Outcome outcome;
        if (why.isEmpty()) {
            outcome = new Outcome(false, "admin.order.reasonRequired", new Object[0]);
        } else if (why.length() > 500) {
            outcome = new Outcome(false, "admin.order.reasonTooLong", new Object[] {500});
        } else if (!"yes".equals(confirm)) {
            outcome = new Outcome(false, "admin.order.confirmRequired", new Object[0]);
        } else {
            outcome = command(orderNo, () -> commands.refund(existing(orderNo), why));
        }
        if (!outcome.ok()) {
            flash.addFlashAttribute("reason", why);
        }
        flash.addFlashAttribute("outcome", outcome);
        return back(orderNo);
    }

    /** The command through the admin API's retry, its answer (or refusal) as a message in the reader's language. */
    private Outcome command(String orderNo, Supplier<String> command) {
        if (!validOrderNo(orderNo) || orders.findByOrderNo(orderNo).isEmpty()) {
            return new Outcome(false, "admin.order.notFound", new Object[] {orderNo});
        }
        try {
            String result = CommandRetry.retryingRaces(command);
            return switch (result) {
                case "refund requested" -> new Outcome(true, "admin.order.refund.accepted", new Object[0]);
                case "resend requested" -> new Outcome(true, "admin.order.resend.accepted", new Object[0]);
                case "resend already on its way" -> new Outcome(true, "admin.order.resend.onItsWay", new Object[0]);
                default -> new Outcome(true, "admin.order.accepted", new Object[] {result});
            };
        } catch (ErrorResponseException e) {
            String detail = e.getBody().getDetail() == null ? "" : e.getBody().getDetail();
            String status = orders.findByOrderNo(orderNo).map(order -> order.status().name()).orElse("");
            String key = detail.contains("is already refunded") ? "admin.order.refund.alreadyRefunded"
                    : detail.contains("refund was already requested") ? "admin.order.refund.alreadyRequested"
                    : detail.contains("no payment to refund") ? "admin.order.refund.noPayment"
                    : detail.contains("personal data was erased") ? "admin.order.resend.erased"
                    : detail.contains("keys can be resent once delivered") ? "admin.order.resend.notDelivered"
                    : "admin.order.refused";
            return new Outcome(false, key, new Object[] {e.getStatusCode().value(), status, detail});
        }
    }

    private io.kamiflow.ordering.Order existing(String orderNo) {
        return orders.findByOrderNo(orderNo).orElseThrow();
    }

    private static RedirectView back(String orderNo) {
        RedirectView view = new RedirectView("/admin/orders/" + encode(orderNo), true);
        view.setStatusCode(HttpStatus.SEE_OTHER);
        view.setExposeModelAttributes(false);
        return view;
    }

    private static boolean validOrderNo(String orderNo) {
        try {
            OrderFilter.checkOrderNo(orderNo);
            return true;
        } catch (InvalidQuery e) {
            return false;
        }
    }

    /** The list's parameters as Cockpit's search takes them; dates are the shop's days, not UTC's. */
    private OrderFilter filter(MultiValueMap<String, String> params) {
        MultiValueMap<String, String> known = new LinkedMultiValueMap<>();
        params.forEach((name, values) -> {
            if (!"lang".equals(name)) {
                known.put(name, values);
            }
        });
        shopDay(known, "from", false);
        shopDay(known, "to", true);
        return OrderFilter.parse(known);
    }

    private void shopDay(MultiValueMap<String, String> params, String name, boolean endOfDay) {
        String value = params.getFirst(name);
        if (value != null && value.strip().length() == 10) {
            try {
                LocalDate day = LocalDate.parse(value.strip());
                params.set(name, (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant().toString());
            } catch (DateTimeParseException e) {
                // OrderFilter says what it expects
            }
        }
    }

    private OrderRow row(OrderSearch.Row order) {
        return new OrderRow(order.orderNo(), local(order.createdAt(), MINUTES), order.sku(), order.quantity(),
                order.amount() + " " + order.currency(), order.channel(), order.status(), EmailMask.mask(order.email()),
                order.openTasks(), order.openIncidents());
    }

    /** The timeline's event at the shop's time (the timeline masked the buyer's address, as everywhere here). */
    private OrderTimeline.Event masked(OrderTimeline.Event event) {
        return new OrderTimeline.Event(event.at() == null ? null : local(event.at(), SECONDS), event.kind(),
                event.title(), event.detail());
    }

    private String local(String instant, DateTimeFormatter format) {
        return instant == null ? "" : format.format(Instant.parse(instant).atZone(zone));
    }

    private static Map<String, String> single(MultiValueMap<String, String> params) {
        Map<String, String> first = new LinkedHashMap<>();
        params.forEach((name, values) -> first.put(name, values.isEmpty() ? "" : values.get(0)));
        return first;
    }

    /** {@code ?a=1&b=2} of the non-blank parameters but {@code lang} and {@code leaveOut}; empty when none. */
    private static String query(MultiValueMap<String, String> params, String... leaveOut) {
        List<String> pairs = new ArrayList<>();
        params.forEach((name, values) -> {
            if (!"lang".equals(name) && !Arrays.asList(leaveOut).contains(name) && LIST_PARAMS.contains(name)) {
                values.stream().filter(value -> value != null && !value.isBlank())
                        .forEach(value -> pairs.add(encode(name) + "=" + encode(value)));
            }
        });
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
