package io.kamiflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

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
 * A support agent completes a task with its form's fields only: nothing else reaches the process, whether
 * through engine REST or Tasklist's own API, and the audit log names the agent.
 */
class TaskSubmissionGuardTest extends IntegrationTest {

    @Autowired
    IdentityService identity;

    private ShopClient shop;
    private Shop.PlacedOrder order;
    private Shop.PlacedOrder other;
    private String taskId;
    private Object paymentIdBefore;

    @BeforeEach
    void reviewTask() {
        SupportDesk.ensureUser(identity);
        shop = shop();
        Shop.productWithKeys(shop, "GUARD", "20.00", 3);
        other = Shop.order(shop, "GUARD", 1, "other@example.com");
        order = Shop.order(shop, "GUARD", 1, "guard@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(other.orderNo(), "OTHER-1", "20.00", "CNY"));
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "GUARD-1", "2.00", "CNY")); // wrong amount: review
        await().atMost(Duration.ofSeconds(20)).until(() -> task() != null);
        taskId = task().getId();
        paymentIdBefore = engine.getTaskService().getVariable(taskId, "paymentId");
    }

    @Test
    void aFieldOutsideTheFormIsRefusedAndChangesNothing() {
        long otherPayment = jdbc.queryForObject("SELECT id FROM payment WHERE trade_no = 'OTHER-1'", Long.class);
        ShopClient.Response reply = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\"},\"paymentId\":{\"value\":" + otherPayment
                        + ",\"type\":\"Long\"}}}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asText()).contains("'paymentId' is not a field of this task's form");
        assertUnchanged();

        String complete = "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\"},\"orderNo\":{\"value\":\""
                + other.orderNo() + "\"}}}";
        // support may only submit the form (SupportApiAllowlistTest); the admin may complete, with the form's fields only
        assertThat(SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/complete", complete).status()).isEqualTo(403);
        ShopClient.Response asAdmin = shop.admin("POST", "/engine-rest/task/" + taskId + "/complete", "application/json", complete);
        assertThat(asAdmin.status()).isEqualTo(400);
        assertThat(asAdmin.json().get("detail").asText()).contains("'orderNo' is not a field of this task's form");
        assertUnchanged();
    }

    @Test
    void aValueOutsideTheFormsOptionsIsRefused() {
        ShopClient.Response reply = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"accept-and-refund\"}}}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("detail").asText()).contains("reviewDecision must be one of");
        assertThat(SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"reviewDecision\":{\"value\":true,\"type\":\"Boolean\"}}}").status()).isEqualTo(400);
        assertThat(SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{}}").status()).as("the decision is required").isEqualTo(400);
        assertUnchanged();
    }

    /**
     * A decision the task's situation does not offer is refused before the engine sees it: a second payment of a paid
     * order cannot be accepted (its form offers refund alone, as reviewDecisionRefundOnly), and a payment that can be
     * accepted is decided with reviewDecision, not with the refund-only field.
     */
    @Test
    void aDecisionTheSituationDoesNotOfferIsRefusedAndChangesNothing() {
        await().atMost(Duration.ofSeconds(20)).until(() -> "DELIVERED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, other.orderNo())));
        shop.sandboxNotify(ShopClient.signedNotice(other.orderNo(), "OTHER-2", "20.00", "CNY")); // paid twice
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(other.orderNo()).singleResult() != null);
        String secondPayment = engine.getTaskService().createTaskQuery().processInstanceBusinessKey(other.orderNo())
                .singleResult().getId();
        assertThat(engine.getTaskService().getVariable(secondPayment, "reviewCanAccept")).isEqualTo(false);

        for (String path : new String[] {"/engine-rest/task/" + secondPayment + "/submit-form",
                "/engine-rest/engine/default/task/" + secondPayment + "/submit-form"}) {
            ShopClient.Response accept = SupportDesk.rest(shop, "POST", path,
                    "{\"variables\":{\"reviewDecision\":{\"value\":\"accept\"}}}");
            assertThat(accept.status()).as(accept.body()).isEqualTo(400);
            assertThat(accept.contentType()).startsWith("application/problem+json");
            assertThat(accept.json().get("detail").asText()).contains("reviewDecision is not offered");
        }
        ShopClient.Response both = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + secondPayment + "/submit-form",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\"},\"reviewDecisionRefundOnly\":{\"value\":\"refund\"}}}");
        assertThat(both.status()).as(both.body()).isEqualTo(400);
        ShopClient.Response refundOnlyHere = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/submit-form",
                "{\"variables\":{\"reviewDecisionRefundOnly\":{\"value\":\"refund\"}}}");
        assertThat(refundOnlyHere.status()).as("this payment can be accepted: " + refundOnlyHere.body()).isEqualTo(400);
        assertThat(refundOnlyHere.json().get("detail").asText()).contains("reviewDecisionRefundOnly is not offered");
        assertUnchanged();
        assertThat(engine.getTaskService().createTaskQuery().taskId(secondPayment).count()).as("still open").isOne();

        ShopClient.Response refund = SupportDesk.rest(shop, "POST", "/engine-rest/task/" + secondPayment + "/submit-form",
                "{\"variables\":{\"reviewDecisionRefundOnly\":{\"value\":\"refund\"}}}");
        assertThat(refund.status()).as(refund.body()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT refunded_at IS NOT NULL FROM payment WHERE trade_no = 'OTHER-2'", Boolean.class));
        assertThat(jdbc.queryForObject("SELECT detail FROM audit_event WHERE action = 'task.complete' AND subject = ?",
                String.class, other.orderNo())).isEqualTo("ReviewPayment: reviewDecision=refund");
        assertThat(jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, other.orderNo()))
                .as("the first payment still pays it").isEqualTo("DELIVERED");
    }

    /** Camunda routes a task id with an encoded character, or a trailing slash, to the same submission: so does the guard. */
    @Test
    void encodedAndTrailingSlashSpellingsOfTheSubmissionAreCheckedToo() {
        String outside = "{\"variables\":{\"reviewDecision\":{\"value\":\"accept\"},\"paymentId\":{\"value\":1,\"type\":\"Long\"}}}";
        String encoded = String.format("%%%02X", (int) taskId.charAt(0)) + taskId.substring(1);
        for (String path : new String[] {"/engine-rest/task/" + encoded + "/submit-form", "/engine-rest/task/" + taskId + "/submit-form/",
                "/engine-rest/engine/default/task/" + encoded + "/submit-form/", "/engine-rest/task/" + taskId + "/submit%2Dform"}) {
            ShopClient.Response asAdmin = shop.admin("POST", path, "application/json", outside);
            assertThat(asAdmin.status()).as(path + ": " + asAdmin.body()).isBetween(400, 404);
            assertUnchanged();
        }
        ShopClient.Response refused = shop.admin("POST", "/engine-rest/task/" + encoded + "/submit-form", "application/json", outside);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asText()).contains("'paymentId' is not a field of this task's form");
    }

    /** A BPMN error or escalation would end the task without its form, whoever asks (the admin included). */
    @Test
    void noOneEndsAFormTaskWithABpmnErrorOrEscalation() {
        for (String call : new String[] {"bpmnError", "bpmnEscalation"}) {
            ShopClient.Response refused = shop.admin("POST", "/engine-rest/task/" + taskId + "/" + call, "application/json",
                    "{\"errorCode\":\"CANNOT_ACCEPT\",\"escalationCode\":\"ANY\",\"variables\":{}}");
            assertThat(refused.status()).as(call + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asText()).contains("form");
            assertUnchanged();
        }
    }

    @Test
    void supportCannotSetProcessVariablesBesideTheForm() {
        String put = "{\"value\":999,\"type\":\"Long\"}";
        assertThat(SupportDesk.rest(shop, "PUT", "/engine-rest/task/" + taskId + "/variables/paymentId", put).status())
                .isEqualTo(403);
        assertThat(SupportDesk.rest(shop, "POST", "/engine-rest/task/" + taskId + "/variables",
                "{\"modifications\":{\"paymentId\":" + put + "}}").status()).isEqualTo(403);
        assertThat(SupportDesk.rest(shop, "PUT", "/engine-rest/task/" + taskId + "/localVariables/paymentId", put).status())
                .isEqualTo(403);
        assertUnchanged();
    }

    @Test
    void tasklistsOwnApiIsGuardedTooAndTheAuditNamesTheAgent() throws Exception {
        SupportDesk.Tasklist tasklist = new SupportDesk.Tasklist(port);
        String path = "/api/engine/engine/default/task/" + taskId + "/submit-form";
        HttpResponse<String> refused = tasklist.post(path, "application/json",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\"},\"buyerEmailMasked\":{\"value\":\"x\"}}}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertUnchanged();

        HttpResponse<String> accepted = tasklist.post(path, "application/json",
                "{\"variables\":{\"reviewDecision\":{\"value\":\"refund\",\"type\":\"String\"},"
                        + "\"reviewNote\":{\"value\":\"amount was wrong\",\"type\":\"String\"}}}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REFUNDED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, order.orderNo())));
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'task.complete' AND subject = ?",
                String.class, order.orderNo())).isEqualTo(SupportDesk.USER);
        assertThat(jdbc.queryForObject("SELECT refunded_at IS NOT NULL FROM payment WHERE trade_no = 'OTHER-1'",
                Boolean.class)).as("the other order's payment").isFalse();
    }

    private Task task() {
        return engine.getTaskService().createTaskQuery().processInstanceBusinessKey(order == null ? "-" : order.orderNo())
                .singleResult();
    }

    private void assertUnchanged() {
        assertThat(task()).as("the task is still open").isNotNull();
        assertThat(engine.getTaskService().getVariable(taskId, "paymentId")).isEqualTo(paymentIdBefore);
        assertThat(engine.getTaskService().getVariable(taskId, "orderNo")).isEqualTo(order.orderNo());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment WHERE refunded_at IS NOT NULL", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'task.complete'", Integer.class)).isZero();
    }
}
