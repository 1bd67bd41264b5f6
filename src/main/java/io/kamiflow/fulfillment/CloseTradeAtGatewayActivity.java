package io.kamiflow.fulfillment;

import java.util.Map;

import io.kamiflow.payment.TradeCloser;
import org.springframework.stereotype.Component;

/** Close trade at gateway (process order-expiry), one call per expired order. */
@Component
class CloseTradeAtGatewayActivity implements GatewayActivity {

    static final String TOPIC = "close-trade-at-gateway";

    private final TradeCloser closer;

    CloseTradeAtGatewayActivity(TradeCloser closer) {
        this.closer = closer;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public Map<String, Object> call(String orderNo) {
        return closer.close(orderNo).<Map<String, Object>>map(outcome -> Map.of("tradeClose", outcome.name()))
                .orElse(Map.of());
    }
}
