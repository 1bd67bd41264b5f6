package io.kamiflow.backoffice;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kamiflow.fulfillment.FulfillmentSettings;
import io.kamiflow.ops.OrderInvariants;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** The back office's pages: login, the 403 page, and the dashboard. */
@Controller
class BackOfficeController {

    private final SalesFigures figures;
    private final TaskService tasks;
    private final RuntimeService runtime;
    private final Clock clock;
    private final ZoneId zone;

    private final OrderInvariants invariants;
    private final FulfillmentSettings fulfillment;

    BackOfficeController(SalesFigures figures, TaskService tasks, RuntimeService runtime, BackOfficeSettings settings,
                         OrderInvariants invariants, FulfillmentSettings fulfillment) {
        this.invariants = invariants;
        this.fulfillment = fulfillment;
        this.figures = figures;
        this.tasks = tasks;
        this.runtime = runtime;
        this.clock = Clock.systemUTC();
        this.zone = settings.zone();
    }

    @GetMapping("/admin/login")
    String login() {
        return "admin/login";
    }

    /** A logged-in user without the owner's or the merchant's role, or a form posted without its token (403). */
    @RequestMapping("/admin/denied")
    String denied() {
        return "admin/denied";
    }

    @GetMapping({"/admin", "/admin/"})
    String dashboard(Model model, Authentication user) {
        Instant now = clock.instant();
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("periods", figures.periods(now));
        model.addAttribute("chart", SalesChart.of(figures.paidPerDay(now, 30, zone)));
        model.addAttribute("stock", figures.stock());
        model.addAttribute("channels", figures.channels(now));
        model.addAttribute("openTasks", openTasks());
        model.addAttribute("incidents", runtime.createIncidentQuery().count());
        model.addAttribute("promises", promises(now));
        return "admin/dashboard";
    }

    /** One broken promise as the dashboard names it: the invariant and the orders breaking it (numbers to link). */
    record BrokenPromise(String invariant, List<String> orderNos, int subjects) {
    }

    /**
     * The invariants over the orders Reconcile orders checks every few minutes: those changed or paid within its
     * window, and every open one. Bounded like that check, never a pass over every order.
     */
    private List<BrokenPromise> promises(Instant now) {
        List<OrderInvariants.Violation> violations = invariants.checkChangedSince(now.minus(fulfillment.getReconcileWindow()));
        Map<Long, String> orderNos = figures.orderNos(violations.stream().flatMap(v -> v.orderIds().stream()).toList());
        return violations.stream().map(v -> new BrokenPromise(v.invariant(),
                v.orderIds().stream().map(orderNos::get).filter(java.util.Objects::nonNull).toList(), v.subjects().size()))
                .toList();
    }

    record OpenTasks(String name, long count, Instant oldest) {
    }

    /** Support's open tasks per kind, oldest first: what is waiting, on whom, since when. */
    private List<OpenTasks> openTasks() {
        Map<String, List<Task>> byName = new TreeMap<>();
        for (Task task : tasks.createTaskQuery().active().orderByTaskCreateTime().asc().listPage(0, 1000)) {
            byName.computeIfAbsent(task.getName(), name -> new ArrayList<>()).add(task);
        }
        return byName.entrySet().stream().map(entry -> new OpenTasks(entry.getKey(), entry.getValue().size(),
                entry.getValue().get(0).getCreateTime().toInstant())).toList();
    }
}
