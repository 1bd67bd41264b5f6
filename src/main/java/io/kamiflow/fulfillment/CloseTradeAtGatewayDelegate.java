package io.kamiflow.fulfillment;

import io.kamiflow.payment.TradeCloser;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

/** Close trade at gateway (process order-expiry), one job per expired order. */
@Component
class CloseTradeAtGatewayDelegate implements JavaDelegate {

    private final TradeCloser closer;

    CloseTradeAtGatewayDelegate(TradeCloser closer) {
        this.closer = closer;
    }

    @Override
    public void execute(DelegateExecution execution) {
        closer.close((String) execution.getVariable(ProcessVariables.ORDER_NO))
                .ifPresent(outcome -> execution.setVariableLocal("tradeClose", outcome.name()));
    }
}
