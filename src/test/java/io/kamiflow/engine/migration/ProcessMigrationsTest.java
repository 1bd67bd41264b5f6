package io.kamiflow.engine.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owner's process migration command on real orders parked in Wait for stock, between the jar's order-fulfillment
 * and a next version (test resource upgrade/order-fulfillment-next.bpmn: an added step on the happy path, level 1,
 * and "Stock replenished" renamed "Stock arrived").
 */
class ProcessMigrationsTest extends IntegrationTest {

    private static final String PATH = "/api/admin/process-migrations";
    private static final String PARKED_AT = "WaitForStock"; // the event-based gateway before Stock replenished

    /** A batch's monitor checks every batch-poll-time (5 s); a loaded CI machine runs its jobs late. */
    private static final Duration BATCH = Duration.ofSeconds(90);

    private String nextDeployment;
    private int current;
    private int next;

    @BeforeEach
    void deployNext() throws Exception {
        current = latestVersion();
        try (InputStream bpmn = getClass().getResourceAsStream("/upgrade/order-fulfillment-next.bpmn")) {
            nextDeployment = engine.getRepositoryService().createDeployment().name("upgrade-test")
                    .addInputStream("order-fulfillment-next.bpmn", bpmn).deploy().getId();
        }
        next = latestVersion();
        assertThat(next).isGreaterThan(current);
    }

    @AfterEach
    void removeNext() {
        engine.getRepositoryService().deleteDeployment(nextDeployment, true);
    }

    @Test
    void aDryRunCountsPerActivityAndMovesNothingThenTheRealRunMovesEveryParkedOrder() {
        List<String> parked = parkOrders(3);
        JsonNode dry = post(request(current, next, List.of(), null), 200);
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("instances").asLong()).isEqualTo(3);
        assertThat(dry.get("batchId").isNull()).isTrue();
        JsonNode atGateway = activity(dry, PARKED_AT);
        assertThat(atGateway.get("instances").asLong()).isEqualTo(3);
        assertThat(atGateway.get("targetActivityId").asText()).isEqualTo(PARKED_AT);
        assertThat(onVersion(next)).as("a dry run moves nothing").isZero();
        assertThat(onVersion(current)).isEqualTo(3);

        List<Map<String, String>> renamed = List.of(Map.of("from", "StockReplenished", "to", "StockArrived"));
        JsonNode run = post(request(current, next, renamed, false), 202);
        assertThat(run.get("batchId").asText()).isNotBlank();
        await().atMost(BATCH).until(() -> onVersion(next) == 3 && batchesDone());
        assertThat(onVersion(current)).isZero();
        assertThat(jdbc.queryForList("SELECT action FROM audit_event WHERE subject = ?", String.class,
                "order-fulfillment v" + current + " -> v" + next))
                .containsExactly("process-migration-dry-run", "process-migration");

        // the parked orders still wait for the same message under its new activity id: restock delivers them
        ShopClient shop = shop();
        shop.importKeys("PARK", "PARK-A\nPARK-B\nPARK-C");
        await().atMost(Duration.ofSeconds(60)).until(() -> parked.stream().allMatch(o -> "DELIVERED".equals(orderStatus(o))));
    }

    @Test
    void instancesOfTheNewVersionGoBackWhenTheRenameIsMappedTheOtherWay() {
        parkOrders(2);
        // the monitor re-checks an unfinished batch after batch-poll-time (Camunda's default 30 s outlasted the wait)
        assertThat(((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration())
                .getBatchPollTime()).isEqualTo(5);
        post(request(current, next, List.of(Map.of("from", "StockReplenished", "to", "StockArrived")), false), 202);
        await().atMost(BATCH).until(() -> onVersion(next) == 2 && batchesDone());
        post(request(next, current, List.of(Map.of("from", "StockArrived", "to", "StockReplenished")), false), 202);
        await().atMost(BATCH).until(() -> onVersion(current) == 2 && batchesDone());
    }

    @Test
    void anInvalidMappingIsA400ProblemThatSaysWhyAndMovesNothing() {
        parkOrders(1);
        ShopClient.Response refused = shop().admin("POST", PATH, "application/json",
                ShopClient.json(request(current, next, List.of(Map.of("from", "NoSuchActivity", "to", "StockArrived")), false)));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("NoSuchActivity");
        assertThat(refused.json().get("problems")).isNotEmpty();
        assertThat(onVersion(current)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action LIKE 'process-migration%'", Integer.class))
                .isZero();
    }

    @Test
    void anUnmappedRenamedEventAfterTheGatewayIsSubscribedAgainSoTheParkedOrderIsNotLost() {
        List<String> parked = parkOrders(1);
        post(request(current, next, List.of(Map.of("from", "StockReplenished", "to", "StockArrived")), false), 202);
        await().atMost(BATCH).until(() -> onVersion(next) == 1 && batchesDone());
        // back without mapping the renamed event: only the gateway is mapped; Camunda validates the plan and the instance
        JsonNode dry = post(request(next, current, List.of(), true), 200);
        assertThat(dry.get("problems")).as(dry.toString()).isEmpty();
        post(request(next, current, List.of(), false), 202);
        await().atMost(BATCH).until(() -> onVersion(current) == 1 && batchesDone());
        // the gateway's events are subscribed again on the target version: the order still waits for its stock
        assertThat(engine.getRuntimeService().createEventSubscriptionQuery().eventName("StockReplenished").count())
                .isEqualTo(1);
        shop().importKeys("PARK", "PARK-Z");
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(orderStatus(parked.get(0))));
    }

    @Test
    void missingVersionsAndBadRequestsAreProblemsAndOnlyTheOwnerMayAsk() {
        assertThat(shop().admin("POST", PATH, "application/json", ShopClient.json(request(current, 999, List.of(), true)))
                .status()).isEqualTo(404);
        assertThat(shop().admin("POST", PATH, "application/json", "{\"processKey\":\"order-fulfillment\"}").status())
                .isEqualTo(400);
        String body = ShopClient.json(request(current, next, List.of(), true));
        assertThat(shop().send("POST", PATH, "application/json", body, Map.of()).status()).isEqualTo(401);
        SupportDesk.ensureUser(engine.getIdentityService());
        String support = Base64.getEncoder().encodeToString((SupportDesk.USER + ":" + SupportDesk.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(shop().send("POST", PATH, "application/json", body, Map.of("Authorization", "Basic " + support))
                .status()).isEqualTo(403);
    }

    private List<String> parkOrders(int count) {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "PARK", "1.00", 1);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orders.add(Shop.order(shop, "PARK", 1, "park" + i + "@upgrade.example"));
        }
        // keys are taken on payment: with the only key gone, every paid order parks in Wait for stock
        jdbc.update("UPDATE card_key SET status = 'VOID' WHERE status = 'AVAILABLE'");
        for (Shop.PlacedOrder order : orders) {
            Shop.pay(shop, order, "UP-" + order.orderNo());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> orders.stream().allMatch(o -> "AWAITING_STOCK".equals(orderStatus(o.orderNo())))
                && engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName("StockReplenished").count() == count);
        return orders.stream().map(Shop.PlacedOrder::orderNo).toList();
    }

    private static Map<String, Object> request(int from, int to, List<Map<String, String>> mappings, Boolean dryRun) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("processKey", "order-fulfillment");
        body.put("fromVersion", from);
        body.put("toVersion", to);
        body.put("activityMappings", mappings);
        if (dryRun != null) {
            body.put("dryRun", dryRun);
        }
        return body;
    }

    private JsonNode post(Map<String, Object> body, int status) {
        ShopClient.Response response = shop().admin("POST", PATH, "application/json", ShopClient.json(body));
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        return response.json();
    }

    private static JsonNode activity(JsonNode report, String id) {
        for (JsonNode activity : report.get("activities")) {
            if (id.equals(activity.get("activityId").asText())) {
                return activity;
            }
        }
        throw new AssertionError("no activity " + id + " in " + report);
    }

    private int latestVersion() {
        return engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey("order-fulfillment")
                .latestVersion().singleResult().getVersion();
    }

    private long onVersion(int version) {
        ProcessDefinition definition = engine.getRepositoryService().createProcessDefinitionQuery()
                .processDefinitionKey("order-fulfillment").processDefinitionVersion(version).singleResult();
        return engine.getRuntimeService().createProcessInstanceQuery().processDefinitionId(definition.getId()).count();
    }

    private boolean batchesDone() {
        return engine.getManagementService().createBatchQuery().count() == 0;
    }
}
