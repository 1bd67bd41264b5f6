package io.kamiflow.fulfillment;

import java.util.function.Supplier;

import org.camunda.bpm.engine.ProcessEngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;

/**
 * How an admin's resend or refund ({@link FulfillmentCommands}) is called, from the admin API and the back office alike:
 * the order's process may be moving at this very moment (a job finishing, support completing a task), so the command
 * then loses an optimistic lock or a deadlock, or finds the instance or its subscription just gone, and is tried again
 * on the fresh state. Five failures in a row are a real error. Call it outside a transaction, and look the order up
 * inside {@code command}, so each try sees the order as it is now.
 */
public final class CommandRetry {

    private static final Logger log = LoggerFactory.getLogger(CommandRetry.class);

    private CommandRetry() {
    }

    public static String retryingRaces(Supplier<String> command) {
        for (int attempt = 1; ; attempt++) {
            try {
                return command.get();
            } catch (ProcessEngineException | TransientDataAccessException e) {
                if (attempt == 5) {
                    throw e;
                }
                log.warn("admin command lost a race with the order's process (attempt {}), retrying: {}", attempt, e.getMessage());
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
