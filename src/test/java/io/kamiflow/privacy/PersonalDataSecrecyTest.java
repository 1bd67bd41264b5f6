package io.kamiflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Buyer addresses live in the domain tables only, where the retention policy erases them: no process variable and no
 * history row holds one, also after support corrected the address in the Manual delivery form the way Tasklist
 * submits it. The scan reads every text and byte column of every engine table (users and deployments aside), so a
 * copy anywhere (variables, form-field details, operation log, incidents, job logs, byte arrays) is found.
 */
class PersonalDataSecrecyTest extends ProcessTest {

    /** Unique to this run: whatever earlier tests left in the engine's history cannot match it. */
    private final String domain = "pd" + System.nanoTime() + ".example.com";

    @AfterEach
    void mailServerBack() {
        TestMail.start();
    }

    @Test
    void aManualDeliveryWithACorrectedAddressLeavesNoAddressInVariablesOrHistory() {
        SupportDesk.ensureUser(engine.getIdentityService());
        Shop.productWithKeys(shop, "PRIVATE", "4.00", 2);
        Shop.PlacedOrder order = paidOrder("PRIVATE", 1, "buyer@" + domain);
        ProcessInstance instance = instanceFor(order.orderNo());

        TestMail.stop(); // every attempt fails: after the retry schedule support takes over
        executeJob(instance);
        for (int retry = 1; retry <= 3; retry++) {
            executeJob(instance); // the wait
            executeJob(instance); // the attempt
        }
        assertThat(instance).isWaitingAt("ManualDelivery");

        String taskId = engine.getTaskService().createTaskQuery().processInstanceId(instance.getId()).singleResult().getId();
        JsonNode shown = SupportDesk.rest(shop, "GET", "/engine-rest/task/" + taskId + "/form-variables", null).json();
        assertThat(shown.get("buyerEmailMasked").get("value").asText()).as("support recognises the address")
                .isEqualTo("b***@" + domain);
        assertThat(shown.get("lastDeliveryError").get("value").asText()).contains("Connection refused");

        TestMail.start();
        String corrected = "fixed@" + domain;
        ShopClient.Response submitted = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                ShopClient.json(Map.of("variables", Map.of(
                        "manualAction", Map.of("value", "resend"),
                        "correctedEmail", Map.of("value", corrected),
                        "manualNote", Map.of("value", "the buyer phoned: mail " + corrected + " instead")))));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(204);
        executeJobs(instance, 2); // Prepare resend, Send keys
        assertThat(instance).isEnded().hasPassed("PrepareResend", "OrderDelivered");

        assertThat(mailsTo(corrected)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT buyer_email FROM customer_order WHERE order_no = ?", String.class,
                order.orderNo())).as("the correction lives in the order").isEqualTo(corrected);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'order.email-corrected' AND subject = ?",
                Integer.class, order.orderNo())).isEqualTo(1);

        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete' AND subject = ?",
                String.class, order.orderNo())).as("support's note is kept in the audit log, erased with its details")
                .endsWith("the buyer phoned: mail " + corrected + " instead");

        assertThat(engineRowsContaining(domain)).as("engine rows holding the buyer's domain").isEmpty();
        // the scan read this order's engine rows: its variables are in the history, without addresses
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
                .variableName("lastDeliveryError").count()).isEqualTo(1);
    }

    /** "table.column: value" for every engine row whose text or bytes contain {@code needle}. */
    private List<String> engineRowsContaining(String needle) {
        List<Map<String, Object>> columns = jdbc.queryForList("""
                SELECT table_name, column_name, data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name LIKE 'act\\_%'
                  AND table_name NOT LIKE 'act\\_id\\_%' AND table_name NOT LIKE 'act\\_re\\_%'
                  AND data_type IN ('character varying', 'text', 'character', 'bytea')""");
        assertThat(columns).as("engine columns to scan").hasSizeGreaterThan(50);
        List<String> found = new ArrayList<>();
        for (Map<String, Object> column : columns) {
            String table = (String) column.get("table_name");
            String name = (String) column.get("column_name");
            boolean bytes = "bytea".equals(column.get("data_type"));
            String sql = "SELECT " + name + " FROM " + table + " WHERE " + name + " IS NOT NULL"
                    + (bytes ? "" : " AND strpos(lower(" + name + "), ?) > 0");
            List<Object> values = bytes ? jdbc.queryForList(sql, Object.class)
                    : jdbc.queryForList(sql, Object.class, needle.toLowerCase());
            for (Object value : values) {
                String text = value instanceof byte[] raw ? new String(raw, StandardCharsets.ISO_8859_1) : value.toString();
                if (text.toLowerCase().contains(needle.toLowerCase())) {
                    found.add(table + "." + name + ": " + text);
                }
            }
        }
        return found;
    }
}
