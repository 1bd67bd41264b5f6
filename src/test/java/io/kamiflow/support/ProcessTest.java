package io.kamiflow.support;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.init;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.reset;

import java.util.List;

import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Process tests drive order-fulfillment job by job: the shared context's job executor is paused
 * for the test and resumed afterwards, so camunda-bpm-assert sees every wait state.
 */
public abstract class ProcessTest extends IntegrationTest {

    @BeforeEach
    void pauseJobExecutor() {
        init(engine);
        jobExecutor().shutdown();
    }

    @AfterEach
    void resumeJobExecutor() {
        reset();
        jobExecutor().start();
    }

    private JobExecutor jobExecutor() {
        return ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
    }

    protected ProcessInstance instanceFor(String orderNo) {
        return engine.getRuntimeService().createProcessInstanceQuery()
                .processDefinitionKey("order-fulfillment").processInstanceBusinessKey(orderNo).singleResult();
    }

    /** Runs the one job the instance is waiting on (an async continuation or a due timer). */
    protected void executeJob(ProcessInstance instance) {
        List<Job> jobs = engine.getManagementService().createJobQuery().processInstanceId(instance.getId()).list();
        if (jobs.size() != 1) {
            throw new AssertionError("expected exactly one job for " + instance.getBusinessKey() + " but found " + jobs.size());
        }
        engine.getManagementService().executeJob(jobs.get(0).getId());
    }

    protected String orderStatus(String orderNo) {
        return jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, orderNo);
    }
}
