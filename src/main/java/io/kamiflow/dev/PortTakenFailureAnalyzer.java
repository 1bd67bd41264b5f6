package io.kamiflow.dev;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints {@link DevPorts}' refusal as Spring Boot's short "APPLICATION FAILED TO START" report, without a stack trace. */
public class PortTakenFailureAnalyzer extends AbstractFailureAnalyzer<DevPorts.PortTakenException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DevPorts.PortTakenException cause) {
        String message = cause.getMessage();
        int action = message.indexOf("; start this one");
        return new FailureAnalysis(message.substring(0, action), message.substring(action + 2), cause);
    }
}
