package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kamiflow.fulfillment.FulfillmentSettings;
import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node told to stop (SIGTERM closes its context) closes within {@code kamiflow.shutdown.budget} whatever it is
 * doing, and hands its work over on the way: queued key mails unleased, jobs it had not started unlocked; the
 * other node then delivers every order, once.
 */
class ShutdownBudgetTest extends IntegrationTest {

    private static final Duration BUDGET = Duration.ofSeconds(15);

    @Test
    void aNodeStoppingWithMailsJobsAndARequestInFlightClosesWithinItsBudgetAndHandsEverythingOver() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "STOP", "5.00", 5);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            orders.add(Shop.order(shop, "STOP", 1, "stop" + i + "@example.com"));
        }
        Duration took;
        try (FakeSmtp silent = FakeSmtp.silent()) {
            // one key mail thread and one remote call thread, each stuck in a conversation with a server that never answers
            // (until the 3 s read timeout of the tests' mail settings)
            ConfigurableApplicationContext node = SecondNode.start("stopping", Map.of(
                    "spring.mail.port", silent.port(),
                    "kamiflow.shutdown.budget", BUDGET,
                    "kamiflow.fulfillment.key-mail-threads", 1,
                    "kamiflow.remote-calls.threads", 1,
                    "camunda.bpm.job-execution.core-pool-size", 1,
                    "camunda.bpm.job-execution.max-pool-size", 1), context -> { });
            try {
                String owner = node.getBean(JobExecutor.class).getLockOwner();
                int port = node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
                ShopClient there = new ShopClient(port);
                // two key mails: one in the SMTP conversation, one waiting for the sender
                for (Shop.PlacedOrder order : orders.subList(0, 2)) {
                    assertThat(Shop.pay(there, order, "T-" + order.orderNo()).body()).isEqualTo("success");
                }
                // three Send keys calls: one running, two waiting for the remote call thread
                node.getBean(FulfillmentSettings.class).setMailAfterCommit(false);
                for (Shop.PlacedOrder order : orders.subList(2, 5)) {
                    assertThat(Shop.pay(there, order, "T-" + order.orderNo()).body()).isEqualTo("success");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> silent.connections() >= 2);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue WHERE owner = ?", Integer.class, owner))
                        .as("key mails the node holds").isPositive();
                assertThat(lockedBy(owner)).as("Send keys calls the node holds").isPositive();

                try (Socket upload = requestInFlight(port)) {
                    long stopping = System.nanoTime();
                    node.close(); // what SIGTERM does
                    took = Duration.ofNanos(System.nanoTime() - stopping);
                }
                System.out.printf("ShutdownBudgetTest: the node closed in %d ms (budget %d ms)%n", took.toMillis(),
                        BUDGET.toMillis());
                assertThat(took).as("closed within kamiflow.shutdown.budget").isLessThan(BUDGET);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue WHERE owner = ? AND lease_until > now()",
                        Integer.class, owner)).as("key mails still leased to the stopped node").isZero();
                assertThat(lockedBy(owner)).as("jobs and calls still locked by the stopped node").isZero();
            } finally {
                node.close();
            }
        }
        for (Shop.PlacedOrder order : orders) { // by this node, long before a 60 s lease or lock would have expired
            awaitDelivered(order.orderNo());
        }
        for (int i = 0; i < orders.size(); i++) {
            assertThat(mailsTo("stop" + i + "@example.com")).as("mails to stop" + i).isEqualTo(1);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt WHERE outcome = 'SENT'", Integer.class))
                .isEqualTo(orders.size());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM key_mail_queue", Integer.class)).isZero();
    }

    /** Jobs and remote calls (Send keys) the node holds locked. */
    private int lockedBy(String owner) {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM act_ru_job WHERE lock_owner_ = ?) + (SELECT count(*) "
                + "FROM act_ru_ext_task WHERE worker_id_ = ? AND lock_exp_time_ > now())", Integer.class, owner, owner);
    }

    /** A payment callback whose body never finishes arriving: the request stays in flight until the server gives up. */
    private static Socket requestInFlight(int port) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/payments/sandbox/notify HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\norderNo=").getBytes(
                StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(500); // dispatched: the handler waits for the rest of the body
        return socket;
    }
}
