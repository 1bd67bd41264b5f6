package io.kamiflow.engine.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node told to stop hands its work over at once: the Send keys call it is making finishes, what it holds but did not
 * start is unlocked (not left locked for the 60 s lock time), and the other node delivers every order, once.
 */
class JobHandoverTest extends IntegrationTest {

    private static final int ORDERS = 6;

    @BeforeEach
    void sendKeysAsAJob() {
        fulfillmentSettings.setMailAfterCommit(false); // this is about jobs; KeyMailQueueTest hands queued mails over
    }


    @Test
    void aStoppingNodeFinishesItsRunningJobUnlocksTheRestAndTheOtherNodeDeliversEveryOrderOnce() throws Exception {
        JobExecutor here = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
        here.shutdown(); // this node watches until the other one stops
        try (FakeSmtp smtp = FakeSmtp.silent()) {
            // one thread and a mail server that holds each mail for the 3 s read timeout: one Send keys runs, the rest wait
            ConfigurableApplicationContext other = SecondNode.start("handover-test", Map.of(
                    "spring.mail.port", smtp.port(),
                    "kamiflow.remote-calls.threads", 1,
                    "camunda.bpm.job-execution.core-pool-size", 1,
                    "camunda.bpm.job-execution.max-pool-size", 1,
                    "camunda.bpm.job-execution.queue-capacity", 20), context -> { });
            String otherOwner = other.getBean(JobExecutor.class).getLockOwner();
            assertThat(otherOwner).isNotEqualTo(here.getLockOwner())
                    .matches(".+/" + ProcessHandle.current().pid() + "/[0-9a-f]{8}");

            ShopClient shop = shop();
            Shop.productWithKeys(shop, "GAME", "12.50", ORDERS);
            List<Shop.PlacedOrder> orders = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "buyer" + i + "@example.com");
                assertThat(Shop.pay(shop, order, "T-HANDOVER-" + i).body()).isEqualTo("success");
                orders.add(order);
            }
            // a key mail is in the SMTP conversation, its Send keys locked by the other node
            await().atMost(Duration.ofSeconds(30)).until(() -> smtp.connections() >= 1 && lockedBy(otherOwner) >= 1);
            int lockedAtStop = lockedBy(otherOwner);

            long stopping = System.nanoTime();
            other.close(); // what SIGTERM does
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);

            assertThat(stopped).as("stopped within the grace period").isLessThan(Duration.ofSeconds(20));
            assertThat(lockedBy(otherOwner)).as("jobs still locked by the stopped node (%d were)", lockedAtStop).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM act_ru_ext_task WHERE lock_exp_time_ IS NULL"
                    + " AND (retries_ IS NULL OR retries_ > 0)", Integer.class))
                    .as("Send keys calls free for any node").isPositive();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM act_ru_incident", Integer.class)).isZero();
        } finally {
            here.start();
        }
        // long before the stopped node's 60 s locks would have expired
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM customer_order WHERE status = 'DELIVERED'", Integer.class) == ORDERS);
        for (int i = 0; i < ORDERS; i++) {
            String buyer = "buyer" + i + "@example.com";
            await().atMost(Duration.ofSeconds(10)).until(() -> TestMail.get().getReceivedMessagesForDomain(buyer).length >= 1);
            assertThat(TestMail.get().getReceivedMessagesForDomain(buyer)).as("mails to " + buyer).hasSize(1);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class))
                .isEqualTo(ORDERS);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(ORDERS);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey("order-fulfillment").count() == 0);
    }

    /** Jobs and remote calls (Send keys) the node holds locked. */
    private int lockedBy(String owner) {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM act_ru_job WHERE lock_owner_ = ?) + (SELECT count(*) "
                + "FROM act_ru_ext_task WHERE worker_id_ = ? AND lock_exp_time_ > now())", Integer.class, owner, owner);
    }
}
