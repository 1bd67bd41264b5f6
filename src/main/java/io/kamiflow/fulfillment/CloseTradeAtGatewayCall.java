package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.calls.RemoteCall;
import io.kamiflow.payment.TradeCloser;
import org.springframework.stereotype.Component;

/** Close trade at gateway (order-expiry, topic close-trade-at-gateway), one call per expired order. */
@Component
class CloseTradeAtGatewayCall implements RemoteCall {

    static final String TOPIC = "close-trade-at-gateway";

    private final TradeCloser closer;

    CloseTradeAtGatewayCall(TradeCloser closer) {
        this.closer = closer;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Completion call(CallTask task) {
        return Completion.with(closer.close((String) task.variables().get(ProcessVariables.ORDER_NO))
                .<Map<String, Object>>map(outcome -> Map.of("tradeClose", outcome.name())).orElse(Map.of()));
    }

    @Override
    public boolean leavesLocalVariables() {
        return true; // one instance of a multi-instance per order
    }

    @Override
    public String orderNo(CallTask task) { // an instance of the periodic process per order
        return (String) task.variables().get(ProcessVariables.ORDER_NO);
    }
}
