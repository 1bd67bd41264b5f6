package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Support (group kamiflow-support) reaches Camunda through an allowlist: what Tasklist needs to list tasks, claim
 * them, read their forms and submit them through the form guard. Every other endpoint of engine REST and of the
 * webapp's API is refused with 403 problem+json before Camunda sees it, however the path is spelled. Each call is
 * made against a real Review payment task; after all of them the task is still open with its variables, and the
 * order's process still runs.
 */
class SupportApiAllowlistTest extends IntegrationTest {

    /** One REST call, its path relative to the engine's root ({id} is the task's id). */
    record Call(String method, String path, String json) {
        Call withPath(String other) {
            return new Call(method, other, json);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final String OUTSIDE_THE_FORM = "{\"variables\":{\"reviewDecision\":{\"value\":\"accept\"},"
            + "\"paymentId\":{\"value\":1,\"type\":\"Long\"}}}";
    static final String VARIABLE = "{\"value\":1,\"type\":\"Long\"}";

    /** Every endpoint of the engine's task resource (Camunda 7 REST reference, /task) that Tasklist does not need. */
    static final List<Call> REFUSED_TASK_CALLS = List.of(
            new Call("POST", "task/{id}/bpmnError", "{\"errorCode\":\"CANNOT_ACCEPT\",\"variables\":{\"paymentId\":" + VARIABLE + "}}"),
            new Call("POST", "task/{id}/bpmnEscalation", "{\"escalationCode\":\"ANY\",\"variables\":{\"paymentId\":" + VARIABLE + "}}"),
            new Call("POST", "task/{id}/complete", "{\"variables\":{\"reviewDecision\":{\"value\":\"accept\"}}}"),
            new Call("POST", "task/{id}/resolve", "{\"variables\":{\"reviewDecision\":{\"value\":\"accept\"}}}"),
            new Call("POST", "task/{id}/unclaim", null), // Camunda wants TASK_ASSIGN for it, which support does not hold
            new Call("POST", "task/{id}/delegate", "{\"userId\":\"" + SupportDesk.USER + "\"}"),
            new Call("POST", "task/{id}/assignee", "{\"userId\":\"" + SupportDesk.USER + "\"}"),
            new Call("PUT", "task/{id}", "{\"name\":\"renamed\",\"priority\":1}"),
            new Call("DELETE", "task/{id}", null),
            new Call("POST", "task/create", "{\"id\":\"support-made\",\"name\":\"made by support\"}"),
            new Call("GET", "task/{id}/rendered-form", null),
            new Call("GET", "task/{id}/variables", null),
            new Call("GET", "task/{id}/variables/paymentId", null),
            new Call("GET", "task/{id}/variables/paymentId/data", null),
            new Call("PUT", "task/{id}/variables/paymentId", VARIABLE),
            new Call("POST", "task/{id}/variables", "{\"modifications\":{\"paymentId\":" + VARIABLE + "}}"),
            new Call("POST", "task/{id}/variables/paymentId/data", VARIABLE),
            new Call("DELETE", "task/{id}/variables/paymentId", null),
            new Call("GET", "task/{id}/localVariables", null),
            new Call("GET", "task/{id}/localVariables/paymentId", null),
            new Call("PUT", "task/{id}/localVariables/paymentId", VARIABLE),
            new Call("POST", "task/{id}/localVariables", "{\"modifications\":{\"paymentId\":" + VARIABLE + "}}"),
            new Call("DELETE", "task/{id}/localVariables/paymentId", null),
            new Call("POST", "task/{id}/identity-links", "{\"groupId\":\"everyone\",\"type\":\"candidate\"}"),
            new Call("POST", "task/{id}/identity-links/delete", "{\"groupId\":\"kamiflow-support\",\"type\":\"candidate\"}"),
            new Call("POST", "task/{id}/comment/create", "{\"message\":\"hello\"}"),
            new Call("PUT", "task/comment", "{\"id\":\"x\",\"taskId\":\"x\",\"message\":\"changed\"}"),
            new Call("DELETE", "task/{id}/comment", null),
            new Call("DELETE", "task/{id}/comment/some-comment", null),
            new Call("GET", "task/{id}/comment/some-comment", null),
            new Call("GET", "task/{id}/attachment", null),
            new Call("GET", "task/{id}/attachment/some-attachment", null),
            new Call("GET", "task/{id}/attachment/some-attachment/data", null),
            new Call("POST", "task/{id}/attachment/create", "{}"),
            new Call("DELETE", "task/{id}/attachment/some-attachment", null),
            new Call("GET", "task/report/candidate-group-count", null));

    /** Beyond tasks: process data, messages, identity, deployments, filters support could change. */
    static final List<Call> REFUSED_OTHER_CALLS = List.of(
            new Call("GET", "process-instance", null),
            new Call("POST", "process-instance/delete", "{\"processInstanceIds\":[]}"),
            new Call("POST", "message", "{\"messageName\":\"StockAdded\"}"),
            new Call("POST", "process-definition/key/order-fulfillment/start", "{\"businessKey\":\"X\"}"),
            new Call("POST", "process-definition/key/order-fulfillment/submit-form", "{\"businessKey\":\"X\"}"),
            new Call("GET", "variable-instance", null),
            new Call("GET", "history/variable-instance", null),
            new Call("GET", "execution", null),
            new Call("GET", "job", null),
            new Call("GET", "incident", null),
            new Call("GET", "authorization", null),
            new Call("GET", "user", null),
            new Call("GET", "group", null),
            new Call("GET", "deployment", null),
            new Call("POST", "filter/create", "{\"resourceType\":\"Task\",\"name\":\"mine\",\"query\":{}}"),
            new Call("PUT", "filter/{filter}", "{\"resourceType\":\"Task\",\"name\":\"renamed\",\"query\":{}}"),
            new Call("DELETE", "filter/{filter}", null),
            new Call("POST", "external-task/fetchAndLock", "{\"workerId\":\"w\",\"maxTasks\":1,\"topics\":[]}"),
            new Call("GET", "version", null));

    /** What Tasklist calls to list, open and claim a task (watched in a browser: TasklistBrowserTest). */
    static final List<Call> ALLOWED_CALLS = List.of(
            new Call("GET", "task", null),
            new Call("POST", "task", "{}"),
            new Call("GET", "task/count", null),
            new Call("POST", "task/count", "{}"),
            new Call("GET", "task/{id}", null),
            new Call("GET", "task/{id}/form", null),
            new Call("GET", "task/{id}/deployed-form", null),
            new Call("GET", "task/{id}/form-variables?deserializeValues=false", null),
            new Call("GET", "task/{id}/identity-links", null),
            new Call("POST", "task/{id}/claim", "{\"userId\":\"" + SupportDesk.USER + "\"}"),
            new Call("GET", "filter?resourceType=Task", null),
            new Call("GET", "filter/count?resourceType=Task", null),
            new Call("GET", "filter/{filter}", null),
            new Call("POST", "filter/{filter}/list?firstResult=0&maxResults=15", "{}"),
            new Call("POST", "filter/{filter}/count", "{}"),
            new Call("GET", "history/user-operation?taskId={id}", null),
            new Call("GET", "history/user-operation/count?taskId={id}", null),
            new Call("GET", "user/" + SupportDesk.USER + "/profile", null));

    @Autowired
    IdentityService identity;

    private ShopClient shop;
    private Shop.PlacedOrder order;
    private String taskId;
    private String filterId;
    private Object paymentIdBefore;

    @BeforeEach
    void reviewTask() {
        SupportDesk.ensureUser(identity);
        shop = shop();
        Shop.productWithKeys(shop, "ALLOW", "20.00", 2);
        order = Shop.order(shop, "ALLOW", 1, "allow@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "ALLOW-1", "2.00", "CNY")); // wrong amount: review
        await().atMost(Duration.ofSeconds(20)).until(() -> task() != null);
        taskId = task().getId();
        paymentIdBefore = engine.getTaskService().getVariable(taskId, "paymentId");
        filterId = engine.getFilterService().createFilterQuery().filterName("All tasks").singleResult().getId();
    }

    @Test
    void everyTaskEndpointOutsideTheAllowlistIsRefusedOnEngineRestAndTasklistsApi() throws Exception {
        SupportDesk.Tasklist tasklist = new SupportDesk.Tasklist(port);
        List<String> notRefused = new ArrayList<>();
        for (Call call : concat(REFUSED_TASK_CALLS, REFUSED_OTHER_CALLS)) {
            for (Api api : Api.values()) {
                ShopClient.Response reply = api.send(shop, tasklist, resolve(call));
                if (!refusedByTheAllowlist(reply)) {
                    notRefused.add(api + " " + call + " -> " + reply.status() + " " + reply.contentType() + " " + reply.body());
                }
                assertUnchanged(api + " " + call);
            }
        }
        assertThat(notRefused).as("calls support made past the allowlist").isEmpty();
    }

    @Test
    void theCallsTasklistMakesStillReachCamunda() throws Exception {
        SupportDesk.Tasklist tasklist = new SupportDesk.Tasklist(port);
        List<String> failed = new ArrayList<>();
        for (Call call : ALLOWED_CALLS) {
            for (Api api : Api.values()) {
                ShopClient.Response reply = api.send(shop, tasklist, resolve(call));
                if (reply.status() >= 300) {
                    failed.add(api + " " + call + " -> " + reply.status() + " " + reply.body());
                }
            }
        }
        assertThat(failed).isEmpty();
        assertThat(Api.ENGINE_REST.send(shop, tasklist, resolve(new Call("GET", "process-definition/{definition}/xml", null))).status())
                .as("Tasklist's diagram tab").isEqualTo(200);
        assertThat(shop.send("GET", "/engine-rest/engine", null, null, java.util.Map.of()).status()).isEqualTo(200);
        assertUnchanged("after the allowed calls");
    }

    /**
     * The reported hole and its relatives: a percent-encoded character, a trailing slash, a path parameter, doubled
     * slashes, dot segments, an encoded slash and other letter cases, on both APIs and for both the form and the
     * calls that skip it. None may end the task outside its form; the form's own fields still go through.
     */
    @Test
    void oddlySpelledPathsNeitherSkipTheFormNorReachARefusedEndpoint() throws Exception {
        SupportDesk.Tasklist tasklist = new SupportDesk.Tasklist(port);
        List<String> passed = new ArrayList<>();
        List<Call> skippingTheForm = List.of(
                new Call("POST", "task/{id}/submit-form", OUTSIDE_THE_FORM),
                new Call("POST", "task/{id}/complete", OUTSIDE_THE_FORM),
                new Call("POST", "task/{id}/resolve", OUTSIDE_THE_FORM),
                REFUSED_TASK_CALLS.get(0), REFUSED_TASK_CALLS.get(1),
                new Call("POST", "task/{id}/variables", "{\"modifications\":{\"paymentId\":" + VARIABLE + "}}"));
        for (Call call : skippingTheForm) {
            for (String path : spellings(resolve(call).path())) {
                for (Api api : Api.values()) {
                    ShopClient.Response reply = api.send(shop, tasklist, call.withPath(path));
                    if (reply.status() < 400 || reply.status() >= 500) {
                        passed.add(api + " " + call.method() + " " + path + " -> " + reply.status() + " " + reply.body());
                    }
                }
                assertUnchanged(call.method() + " " + path + " (support, each API)");
                if (call.path().endsWith("/variables")) {
                    continue; // the admin may set variables (Cockpit does); the form binds the admin's submissions only
                }
                ShopClient.Response asAdmin = asAdmin(shop, call.withPath(path));
                if (asAdmin.status() < 400 || asAdmin.status() >= 500) {
                    passed.add("admin " + call.method() + " " + path + " -> " + asAdmin.status() + " " + asAdmin.body());
                }
                assertUnchanged("admin " + call.method() + " " + path);
            }
        }
        assertThat(passed).as("odd spellings that were answered as if they were fine").isEmpty();

        // the form still works on an allowed spelling Jersey routes the same (trailing slash, an encoded letter)
        ShopClient.Response accepted = Api.ENGINE_REST.send(shop, tasklist, new Call("POST",
                "task/" + percentEncodeFirst(taskId) + "/submit-form/",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\"},\"reviewNote\":{\"value\":\"checked\"}}}"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REFUNDED".equals(orderStatus(order.orderNo())));
    }

    @Test
    void aRefusalIsProblemJsonThatSaysWhy() {
        ShopClient.Response refused = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/bpmnError",
                REFUSED_TASK_CALLS.get(0).json());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("kamiflow-support", "POST /engine-rest/task/" + taskId + "/bpmnError");
        assertUnchanged("bpmnError");
    }

    /**
     * Camunda's webapp security filter matches raw paths: an encoded letter in the part the container maps to a servlet
     * (/camunda/api/engine, /engine-rest) would slip past its "deny /api/engine/**" rule. Such a request is refused
     * cleanly, logged in or not (it used to end in a 500 from deeper down).
     */
    @Test
    void anEncodedServletPrefixIsRefusedForEveryone() throws Exception {
        SupportDesk.Tasklist tasklist = new SupportDesk.Tasklist(port);
        for (String path : new String[] {"/camunda/api/%65ngine/engine/default/user", "/camunda/api/engin%65/engine/default/task",
                "/camunda/%61pi/engine/engine/default/user", "/camunda/api/c%6Fckpit/plugin/base/default/process-definition/statistics",
                "/%63amunda/api/engine/engine/default/user"}) {
            ShopClient.Response anonymous = shop.send("GET", path, null, null, java.util.Map.of());
            assertThat(anonymous.status()).as(path + ": " + anonymous.body()).isEqualTo(400);
            assertThat(anonymous.contentType()).startsWith("application/problem+json");
            assertThat(tasklist.send("GET", path.substring("/camunda".length()), null).status()).as(path).isIn(400, 404);
        }
        ShopClient.Response engineRest = shop.admin("GET", "/%65ngine-rest/task", null, null);
        assertThat(engineRest.status()).as(engineRest.body()).isEqualTo(400);
    }

    /** Support's ways in: engine REST with HTTP Basic (both of its roots) and the webapp's engine API in a Tasklist session. */
    enum Api {
        ENGINE_REST("/engine-rest/"),
        ENGINE_REST_NAMED("/engine-rest/engine/default/"),
        TASKLIST("/api/engine/engine/default/");

        final String root;

        Api(String root) {
            this.root = root;
        }

        /** @param call its path relative to this API's root, sent exactly as written */
        ShopClient.Response send(ShopClient shop, SupportDesk.Tasklist tasklist, Call call) {
            return this == TASKLIST ? tasklist.send(call.method(), root + call.path(), call.json())
                    : SupportDesk.rest(shop, call.method(), root + call.path(), call.json());
        }
    }

    /** The admin (camunda-admin) through engine REST: not bound by the allowlist, but by the form. */
    private static ShopClient.Response asAdmin(ShopClient shop, Call call) {
        return shop.admin(call.method(), "/engine-rest/" + call.path(), call.json() == null ? null : "application/json", call.json());
    }

    private static List<Call> concat(List<Call> first, List<Call> second) {
        List<Call> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private Call resolve(Call call) {
        String definition = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey("order-fulfillment")
                .latestVersion().singleResult().getId();
        return call.withPath(call.path().replace("{id}", taskId).replace("{filter}", filterId).replace("{definition}", definition));
    }

    /**
     * The path (relative to the engine's root, task id resolved) spelled the ways a client may try: with the ids and
     * names encoded, a trailing slash, a path parameter, doubled slashes, dot segments, an encoded slash, other case.
     */
    private List<String> spellings(String path) {
        String id = taskId;
        String action = path.substring(path.lastIndexOf('/') + 1);
        List<String> spellings = new ArrayList<>();
        spellings.add(path.replace(id, percentEncodeFirst(id)));
        spellings.add(path.replace(id, percentEncodeAll(id)));
        spellings.add(path.replace("task/", "t%61sk/"));
        spellings.add(path.replace("/" + action, "/" + percentEncodeFirst(action)));
        spellings.add(path + "/");
        spellings.add(path.replace(id, percentEncodeFirst(id)) + "/");
        spellings.add(path + ";jsessionid=x");
        spellings.add(path.replace(id, id + ";jsessionid=x"));
        spellings.add(path.replace("task/", "task;a=b/"));
        spellings.add(path.replace("task/", "task//"));
        spellings.add(path.replace("/" + action, "//" + action));
        spellings.add("/" + path);
        spellings.add(path.replace("task/", "./task/"));
        spellings.add(path.replace("task/", "task/./"));
        spellings.add(path.replace("task/", "task/x/../"));
        spellings.add(path.replace("task/", "x/../task/"));
        spellings.add(path.replace("task/", "task/%2E/"));
        spellings.add(path.replace("task/", "task/x/%2E%2E/"));
        spellings.add(path.replace(id + "/", id + "%2F"));
        spellings.add(path.replace("task/", "task%2F"));
        spellings.add(path.replace(id + "/", id + "%5C"));
        spellings.add(path.replace("/" + action, "/" + action.toUpperCase()));
        spellings.add(path.replace("task/", "TASK/"));
        spellings.add(path.replace("task/", "Task/"));
        return spellings;
    }

    static String percentEncodeFirst(String text) {
        return String.format("%%%02X", (int) text.charAt(0)) + text.substring(1);
    }

    static String percentEncodeAll(String text) {
        StringBuilder encoded = new StringBuilder();
        text.chars().forEach(c -> encoded.append(String.format("%%%02X", c)));
        return encoded.toString();
    }

    static boolean refusedByTheAllowlist(ShopClient.Response reply) {
        return reply.status() == 403 && reply.contentType().startsWith("application/problem+json")
                && reply.body().contains("support");
    }

    private Task task() {
        return engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order == null ? "-" : order.orderNo())
                .singleResult();
    }

    /** The review task is open with its variables as set, the order's process runs, nothing was refunded or audited. */
    private void assertUnchanged(String after) {
        Task task = task();
        assertThat(task).as("the task is still open after " + after).isNotNull();
        assertThat(task.getName()).as(after).startsWith("Review payment");
        assertThat(engine.getTaskService().getVariable(taskId, "paymentId")).as(after).isEqualTo(paymentIdBefore);
        assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo())
                .count()).as("the order's process after " + after).isEqualTo(1);
        assertThat(engine.getTaskService().createTaskQuery().taskId("support-made").count()).as(after).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment WHERE refunded_at IS NOT NULL", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'task.complete'", Integer.class))
                .as(after).isZero();
    }
}
