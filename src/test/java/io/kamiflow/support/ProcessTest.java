package io.kamiflow.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.init;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.reset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kamiflow.calls.RemoteCallWorker;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Process tests drive order-fulfillment job by job: the shared context's job executor (and with it the gateway
 * worker, whose external tasks {@link #executeJob} runs like jobs) is paused for the test and resumed afterwards, so camunda-bpm-assert sees every wait state; the paying callback leaves its
 * instance at Send keys (mail-after-commit off) instead of mailing on its own threads (KeyMailQueueTest covers that). Tests that move
 * the engine clock get it reset afterwards.
 */
public abstract class ProcessTest extends IntegrationTest {

    protected ShopClient shop;
    @Autowired
    protected RemoteCallWorker remoteCallWorker;

    @BeforeEach
    void pauseJobExecutor() {
        init(engine);
        jobExecutor().shutdown();
        fulfillmentSettings.setMailAfterCommit(false); // Send keys as a job, which these tests run one by one
        shop = shop();
    }

    @AfterEach
    void resetClock() {
        ClockUtil.reset();
        reset();
    }

    /**
     * The final invariant check has seen what the test left; now its instances go before the job executor resumes:
     * a job the test left due would otherwise run during the next test.
     */
    @Override
    protected void afterFinalCheck() throws InterruptedException {
        try {
            deleteRunningOrderProcesses();
        } finally {
            jobExecutor().start();
        }
    }

    private JobExecutor jobExecutor() {
        return ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
    }

    protected ProcessInstance instanceFor(String orderNo) {
        List<ProcessInstance> instances = engine.getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey("order-fulfillment").processInstanceBusinessKey(orderNo).list();
        assertThat(instances).as("running instances of order " + orderNo).hasSize(1);
        return instances.get(0);
    }

    /** Places and pays an order through HTTP; the instance then waits at its first async continuation. */
    protected Shop.PlacedOrder paidOrder(String sku, int quantity, String email) {
        Shop.PlacedOrder order = Shop.order(shop, sku, quantity, email);
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).body()).isEqualTo("success");
        return order;
    }

    /**
     * An admin refunds a finished order through the API; returns the refund instance, past its
     * message start and waiting at Refund payment.
     */
    protected ProcessInstance requestRefund(Shop.PlacedOrder order) {
        assertThat(shop.admin("POST", "/api/admin/orders/" + order.orderNo() + "/refund", "application/json",
                "{\"reason\":\"buyer changed their mind\"}").status()).isEqualTo(202);
        ProcessInstance refund = instanceFor(order.orderNo());
        executeJob(refund); // after the message start
        return refund;
    }

    /** The id of the one payment a test recorded. */
    protected long paymentId() {
        return jdbc.queryForObject("SELECT id FROM payment", Long.class);
    }

    /**
     * Runs the one job the instance is waiting on (an async continuation or a timer, due or not), in the
     * instance itself or in a process it called (payment-refund), or the one gateway call it waits for (an external
     * task, worked on this thread by the {@link RemoteCallWorker} as it would on its own; a failure is thrown).
     */
    protected void executeJob(ProcessInstance instance) {
        List<Job> jobs = jobs(instance, null);
        List<ExternalTask> calls = remoteCalls(instance, null);
        if (jobs.size() + calls.size() != 1) {
            throw new AssertionError("expected exactly one job or gateway call for " + instance.getBusinessKey()
                    + " but found " + jobs.stream().map(j -> j.getJobDefinitionId()).toList() + " and "
                    + calls.stream().map(ExternalTask::getActivityId).toList());
        }
        if (jobs.isEmpty()) {
            remoteCallWorker.runNow(calls.get(0).getId());
        } else {
            engine.getManagementService().executeJob(jobs.get(0).getId());
        }
    }

    /** The gateway calls (external tasks) the instance or a process it called waits for, at one activity or any. */
    protected List<ExternalTask> remoteCalls(ProcessInstance instance, String activityId) {
        var query = engine.getExternalTaskService().createExternalTaskQuery()
                .processInstanceIdIn(withCalled(instance).toArray(String[]::new));
        return (activityId == null ? query : query.activityId(activityId)).list();
    }

    /** Makes the pending Mail admin calls of admin-alert instances (the mails to the admin address); a failure is thrown. */
    protected void runAdminAlerts() {
        for (ExternalTask call : engine.getExternalTaskService().createExternalTaskQuery().processDefinitionKey("admin-alert").list()) {
            remoteCallWorker.runNow(call.getId());
        }
    }

    /** Runs the job (or gateway call) waiting at one activity, where several wait at once (a timer and its boundary timer). */
    protected void executeJobAt(ProcessInstance instance, String activityId) {
        List<ExternalTask> calls = remoteCalls(instance, activityId);
        if (calls.size() == 1 && jobs(instance, activityId).isEmpty()) {
            remoteCallWorker.runNow(calls.get(0).getId());
        } else {
            engine.getManagementService().executeJob(jobAt(instance, activityId).getId());
        }
    }

    protected Job jobAt(ProcessInstance instance, String activityId) {
        List<Job> jobs = jobs(instance, activityId);
        assertThat(jobs).as("jobs at " + activityId).hasSize(1);
        return jobs.get(0);
    }

    /** The instance's one job, also when it sits in a process the instance called. */
    protected Job job(ProcessInstance instance) {
        List<Job> jobs = jobs(instance, null);
        assertThat(jobs).as("jobs of " + instance.getBusinessKey()).hasSize(1);
        return jobs.get(0);
    }

    private List<Job> jobs(ProcessInstance instance, String activityId) {
        List<Job> jobs = new ArrayList<>();
        for (String id : withCalled(instance)) { // one query per instance: processInstanceIds with activityId is invalid SQL in 7.24
            var query = engine.getManagementService().createJobQuery().processInstanceId(id);
            jobs.addAll((activityId == null ? query : query.activityId(activityId)).list());
        }
        return jobs;
    }

    /** The process instance a call activity of this one started (payment-refund). */
    protected ProcessInstance calledInstance(ProcessInstance instance) {
        return engine.getRuntimeService().createProcessInstanceQuery().superProcessInstanceId(instance.getId()).singleResult();
    }

    /** The instance and every running instance it called, directly or not. */
    protected Set<String> withCalled(ProcessInstance instance) {
        List<String> ids = new ArrayList<>(List.of(instance.getId()));
        for (int i = 0; i < ids.size(); i++) {
            engine.getRuntimeService().createProcessInstanceQuery().superProcessInstanceId(ids.get(i)).list()
                    .forEach(called -> ids.add(called.getId()));
        }
        return new HashSet<>(ids);
    }

    /**
     * Runs what the order's order-fulfillment and payment-refund instances wait on (jobs, due or not, and gateway calls,
     * except at the {@code skipped} activities), round after round, until nothing is left but user tasks. A job or a
     * call that fails is tried again in the next round, as the job executor and the gateway worker would.
     */
    protected void runUntilOnlyTasksWait(String orderNo, String... skipped) {
        ManagementService management = engine.getManagementService();
        for (int round = 0; round < 50; round++) {
            List<String> work = new ArrayList<>();
            List<String> calls = new ArrayList<>();
            for (ProcessInstance instance : engine.getRuntimeService().createProcessInstanceQuery()
                    .processInstanceBusinessKey(orderNo).processDefinitionKeyIn("order-fulfillment", "payment-refund").list()) {
                Set<String> skip = new HashSet<>();
                for (String activity : skipped) {
                    management.createJobQuery().processInstanceId(instance.getId()).activityId(activity).list()
                            .forEach(job -> skip.add(job.getId()));
                }
                management.createJobQuery().processInstanceId(instance.getId()).withRetriesLeft().list().stream()
                        .map(Job::getId).filter(id -> !skip.contains(id)).forEach(work::add);
                engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId())
                        .withRetriesLeft().list().stream().filter(call -> !List.of(skipped).contains(call.getActivityId()))
                        .map(ExternalTask::getId).forEach(calls::add);
            }
            if (work.isEmpty() && calls.isEmpty()) {
                return;
            }
            for (String callId : calls) {
                try {
                    remoteCallWorker.runNow(callId);
                } catch (RuntimeException failedOrGone) {
                    // retried next round, as the gateway worker would
                }
            }
            for (String jobId : work) {
                try {
                    management.executeJob(jobId);
                } catch (RuntimeException failedOrGone) {
                    // retried next round, as the job executor would; a job another one deleted is gone
                }
            }
        }
        throw new AssertionError("order " + orderNo + " still has work after 50 rounds");
    }

    /**
     * A parked order resumes on a thread of its own after the commit that brought its keys (RestockRelay): waits
     * until its instance has moved to "Stock replenished".
     */
    protected void awaitStockReplenished(ProcessInstance instance) {
        await().pollInSameThread().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat(instance).isWaitingAt("StockReplenished"));
    }

    protected void executeJobs(ProcessInstance instance, int count) {
        for (int i = 0; i < count; i++) {
            executeJob(instance);
        }
    }

    /**
     * Fires the timer start event of a periodic process (order-expiry, payment-compensation) and runs the gateway
     * calls and jobs that run left (one per order it works on), until the run has ended; a failing job fails the
     * test, a failing gateway call waits for its retry (see {@link #remoteCallFailure}).
     */
    protected void runPeriodicProcess(String processKey) {
        ManagementService management = engine.getManagementService();
        Job timer = management.createJobQuery().processDefinitionKey(processKey).timers().singleResult();
        management.executeJob(timer.getId());
        for (int round = 0; round < 1000; round++) {
            runRemoteCalls(processKey, false);
            List<Job> left = management.createJobQuery().processDefinitionKey(processKey).messages().withRetriesLeft().list();
            if (left.isEmpty()) {
                return;
            }
            left.forEach(job -> management.executeJob(job.getId()));
        }
        throw new AssertionError(processKey + " did not end");
    }

    /**
     * Makes the process's gateway calls on this thread, as the {@link RemoteCallWorker} would on its own: the new ones,
     * and with {@code failedToo} those waiting for a retry. A failure is recorded on its task and waits for its retry.
     */
    private void runRemoteCalls(String processKey, boolean failedToo) {
        ExternalTaskService tasks = engine.getExternalTaskService();
        for (ExternalTask call : tasks.createExternalTaskQuery().processDefinitionKey(processKey).withRetriesLeft().list()) {
            if (failedToo || call.getErrorMessage() == null) {
                try {
                    remoteCallWorker.runNow(call.getId());
                } catch (RuntimeException failed) {
                    // recorded on the task by the worker: retries left, the error message for ops
                }
            }
        }
    }

    /**
     * Fires the timer of a periodic process and then runs every job it left (and the retries of failed ones,
     * the timer's included) until none is due, the way the job executor would; failures are the retries' business.
     */
    protected void runPeriodicProcessWithRetries(String processKey) {
        ManagementService management = engine.getManagementService();
        Job timer = management.createJobQuery().processDefinitionKey(processKey).timers().singleResult();
        List<String> toRun = new ArrayList<>(List.of(timer.getId()));
        for (int round = 0; round < 10 && (!toRun.isEmpty() || failedRemoteCalls(processKey) > 0); round++) {
            for (String jobId : toRun) {
                try {
                    management.executeJob(jobId);
                } catch (RuntimeException failed) {
                    // the engine recorded the failure and decremented the job's retries
                }
            }
            retryRemoteCalls(processKey);
            toRun = management.createJobQuery().processDefinitionKey(processKey).withRetriesLeft().list().stream()
                    .filter(job -> job.getExceptionMessage() != null || !isTimer(job))
                    .map(Job::getId).toList();
        }
    }

    private boolean isTimer(Job job) {
        return engine.getManagementService().createJobQuery().jobId(job.getId()).timers().count() == 1;
    }

    /**
     * Runs Camunda's own history cleanup job as the engine would at {@code at}, until it removes nothing more. The engine
     * clock stays at {@code at} (reset after the test).
     */
    protected void cleanUpHistoryAt(java.time.Instant at) {
        ClockUtil.setCurrentTime(java.util.Date.from(at));
        for (int round = 0; round < 20; round++) {
            long before = engine.getHistoryService().createHistoricProcessInstanceQuery().count();
            engine.getManagementService().executeJob(engine.getHistoryService().cleanUpHistoryAsync(true).getId());
            if (engine.getHistoryService().createHistoricProcessInstanceQuery().count() == before) {
                return;
            }
        }
        throw new AssertionError("the history cleanup did not finish in 20 runs");
    }

    /** What the last failed gateway call at this activity (Close trade at gateway, ...) left for ops to read. */
    protected String remoteCallFailure(String activityId) {
        return engine.getExternalTaskService().createExternalTaskQuery().activityId(activityId).list().stream()
                .map(ExternalTask::getErrorMessage).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** Makes the failed gateway calls that have attempts left again now, as their retry would after its delay. */
    protected void retryRemoteCalls(String processKey) {
        runRemoteCalls(processKey, true);
    }

    private long failedRemoteCalls(String processKey) {
        return engine.getExternalTaskService().createExternalTaskQuery().processDefinitionKey(processKey)
                .withRetriesLeft().list().stream().filter(task -> task.getErrorMessage() != null).count();
    }

    /** The order's trade-close state: null (nothing to close), PENDING, CLOSING, CLOSED or PAID. */
    protected String tradeClose(String orderNo) {
        return jdbc.queryForObject("SELECT trade_close FROM customer_order WHERE order_no = ?", String.class, orderNo);
    }

    /** Moves the engine clock past the order ttl and runs order-expiry with its close jobs. */
    protected void expireUnpaidOrders() {
        ClockUtil.setCurrentTime(java.util.Date.from(java.time.Instant.now().plus(java.time.Duration.ofMinutes(16))));
        runPeriodicProcess("order-expiry");
    }

    protected Task openTask(ProcessInstance instance) {
        return engine.getTaskService().createTaskQuery().processInstanceIdIn(withCalled(instance).toArray(String[]::new))
                .singleResult();
    }

    /** The Camunda Form the open task shows in Tasklist. */
    protected String formRef(ProcessInstance instance) {
        return engine.getTaskService().createTaskQuery().processInstanceIdIn(withCalled(instance).toArray(String[]::new))
                .initializeFormKeys().singleResult().getCamundaFormRef().getKey();
    }

    protected void complete(ProcessInstance instance, Map<String, Object> formVariables) {
        engine.getTaskService().complete(openTask(instance).getId(), formVariables);
    }

    protected int keysOf(String orderNo, String status) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM card_key k JOIN customer_order o ON o.id = k.order_id
                WHERE o.order_no = ? AND k.status = ?""", Integer.class, orderNo, status);
    }

    protected int keysIn(String status) {
        return jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = ?", Integer.class, status);
    }
}
