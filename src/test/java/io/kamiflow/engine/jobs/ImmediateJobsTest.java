package io.kamiflow.engine.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Send keys runs on the node that took the payment, right after the callback's commit, without the job acquisition;
 * a job this node cannot start within half its lock time goes back to the acquisition, and a stopping node unlocks
 * what it queued. Every order is delivered once either way.
 */
class ImmediateJobsTest extends IntegrationTest {

    @Autowired
    ImmediateJobs immediateJobs;
    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void sendKeysAsAJob() {
        fulfillmentSettings.setMailAfterCommit(false); // immediate jobs serve Send keys jobs, not the queued key mail
    }

    @AfterEach
    void jobExecutorRuns() {
        jobExecutor().start(); // a test that stopped it
    }

    @Test
    void paidOrdersAreMailedByThePayingNodeRightAfterTheCallbackCommits() {
        double ranBefore = count("run");
        double handedOverBefore = count("handed_over");
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 5);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "buyer" + i + "@example.com");
            assertThat(Shop.pay(shop, order, "T-IMMEDIATE-" + i).body()).isEqualTo("success");
            orders.add(order);
        }
        orders.forEach(order -> awaitDelivered(order.orderNo()));

        assertThat(count("run") - ranBefore).as("Send keys jobs run right after their commit").isEqualTo(5);
        assertThat(count("handed_over") - handedOverBefore).isZero();
        assertThat(TestMail.get().getReceivedMessages()).hasSize(5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM act_ru_job WHERE process_def_key_ = 'order-fulfillment'",
                Integer.class)).isZero();
    }

    @Test
    void aJobThatWaitedHalfItsLockTimeGoesBackToTheAcquisitionAndRunsOnce() {
        double handedOverBefore = count("handed_over");
        String jobId = sendKeysJobLockedByThisNode();
        long lockExpiry = System.currentTimeMillis() + jobExecutor().getLockTimeInMillis() / 2 - 1_000;
        jobExecutor().start();

        immediateJobs.run(jobId, lockExpiry); // what a thread does that takes the job this late

        assertThat(count("handed_over") - handedOverBefore).isEqualTo(1);
        awaitDelivered(orderOf(jobId));
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
    }

    @Test
    void aQueuedJobOfAStoppingNodeIsUnlockedForAnotherNode() {
        double ranBefore = count("run");
        String jobId = sendKeysJobLockedByThisNode();
        String orderNo = orderOf(jobId);

        immediateJobs.run(jobId, System.currentTimeMillis() + jobExecutor().getLockTimeInMillis()); // job executor stopped

        assertThat(jdbc.queryForObject("SELECT lock_owner_ IS NULL FROM act_ru_job WHERE id_ = ?", Boolean.class, jobId))
                .as("unlocked, not run and not left locked").isTrue();
        assertThat(TestMail.get().getReceivedMessages()).isEmpty();
        assertThat(count("run") - ranBefore).isZero();
        jobExecutor().start();
        awaitDelivered(orderNo);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
    }

    /** With the job executor stopped, a paid order's Send keys job as this node would have queued it: locked by it. */
    private String sendKeysJobLockedByThisNode() {
        jobExecutor().shutdown();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 1);
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "late@example.com");
        assertThat(Shop.pay(shop, order, "T-LATE").body()).isEqualTo("success");
        String jobId = jdbc.queryForObject("SELECT j.id_ FROM act_ru_job j JOIN act_ru_jobdef d ON d.id_ = j.job_def_id_ "
                + "WHERE d.act_id_ = 'SendKeys' AND j.lock_owner_ IS NULL", String.class);
        jdbc.update("UPDATE act_ru_job SET lock_owner_ = ?, lock_exp_time_ = now() + interval '30 seconds', rev_ = rev_ + 1 "
                + "WHERE id_ = ?", jobExecutor().getLockOwner(), jobId);
        return jobId;
    }

    private String orderOf(String jobId) {
        return jdbc.queryForObject("SELECT e.business_key_ FROM act_ru_job j JOIN act_ru_execution e ON e.id_ = j.process_instance_id_ "
                + "WHERE j.id_ = ?", String.class, jobId);
    }

    private double count(String outcome) {
        return meters.get("kamiflow.jobs.immediate").tag("outcome", outcome).counter().count();
    }

    private JobExecutor jobExecutor() {
        return ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
    }
}
