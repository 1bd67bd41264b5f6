package io.kamiflow.gateway.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.catalog.Product;
import io.kamiflow.ordering.Order;
import io.kamiflow.payment.GatewayTrade;
import io.kamiflow.payment.Payment;
import io.kamiflow.payment.PaymentChannel;
import io.kamiflow.payment.PaymentInstructions;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.RefundResult;
import org.springframework.stereotype.Component;

@Component
class SandboxChannel implements PaymentChannel {

    static final String ID = "sandbox";

    private final SandboxProperties properties;
    private final SandboxGateway gateway;
    private final SandboxQueryClient remote;

    SandboxChannel(SandboxProperties properties, SandboxGateway gateway, SandboxQueryClient remote) {
        this.properties = properties;
        this.gateway = gateway;
        this.remote = remote;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public List<String> missingSettings() {
        return properties.missing();
    }

    @Override
    public Map<String, Object> checkout(Order order, Product product) {
        return PaymentInstructions.of(ID, order).with("notifyUrl", "/api/payments/sandbox/notify").toMap();
    }

    @Override
    public boolean supportsQuery() {
        return true;
    }

    @Override
    public Optional<PaymentNotice> query(Order order) {
        Optional<SandboxGateway.Trade> paid = properties.queriesRemotely() ? remote.paidTradeFor(order.orderNo())
                : gateway.paidTradeFor(order.orderNo());
        return paid.map(trade -> PaymentNotice.paid(ID, trade.tradeNo(), trade.orderNo(),
                trade.amount(), "PAID", "query: tradeNo=" + trade.tradeNo()));
    }

    @Override
    public boolean supportsTradeList() {
        return true;
    }

    @Override
    public List<GatewayTrade> paidTrades(Instant from, Instant to) {
        return properties.queriesRemotely() ? remote.paidTrades(from, to) : gateway.paidTrades(from, to);
    }

    @Override
    public boolean supportsClose() {
        return true;
    }

    @Override
    public CloseOutcome close(Order order) {
        return gateway.close(order.orderNo()) ? CloseOutcome.CLOSED : CloseOutcome.ALREADY_PAID;
    }

    @Override
    public boolean supportsRefund() {
        return true;
    }

    @Override
    public RefundResult refund(Payment payment, String requestId, String reason) {
        return RefundResult.succeeded(gateway.refund(payment));
    }
}
