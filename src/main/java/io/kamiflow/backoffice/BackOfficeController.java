package io.kamiflow.backoffice;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kamiflow.web.LanguageSwitch;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestMapping;

/** The back office's pages: login, the 403 page, and the dashboard. */
@Controller
class BackOfficeController {

    private final SalesFigures figures;
    private final TaskService tasks;
    private final RuntimeService runtime;
    private final Clock clock;
    private final ZoneId zone;

    BackOfficeController(SalesFigures figures, TaskService tasks, RuntimeService runtime, BackOfficeSettings settings) {
        this.figures = figures;
        this.tasks = tasks;
        this.runtime = runtime;
        this.clock = Clock.systemUTC();
        this.zone = settings.zone();
    }

    @ModelAttribute("languageLinks")
    Map<String, String> languageLinks() {
        return LanguageSwitch.links();
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
        return "admin/dashboard";
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
