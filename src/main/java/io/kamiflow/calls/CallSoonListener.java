package io.kamiflow.calls;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Start listener of a remote call's activity (Send keys, Mail admin): once the transaction that created the external
 * task has committed, this node's {@link RemoteCallWorker} fetches it at once instead of at its next poll.
 */
@Component("callSoon")
public class CallSoonListener implements ExecutionListener {

    private final RemoteCallWorker worker;

    CallSoonListener(RemoteCallWorker worker) {
        this.worker = worker;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.pollSoon();
                }
            });
        }
    }
}
