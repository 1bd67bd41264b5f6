package io.kamiflow.dev;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.kamiflow.web.Problems;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.gateway.sandbox.SandboxGateway;
import io.kamiflow.gateway.sandbox.SandboxProperties;
import io.kamiflow.gateway.sandbox.SandboxSignature;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Dev-only helpers for the README walk-through: read the embedded mailbox, and pay an order by
 * sending a correctly signed sandbox callback over HTTP to this very app (the same path a gateway takes).
 */
@RestController
@ConditionalOnProperty(name = "kamiflow.dev.enabled", havingValue = "true")
class DevController {

    record SandboxPayment(String orderNo, String tradeNo, int notifyStatus, String notifyReply) {
    }

    private final DevMailSink mailSink;
    private final OrderRepository orders;
    private final SandboxProperties sandbox;
    private final WebServerApplicationContext server;
    private final SandboxGateway gateway;

    DevController(DevMailSink mailSink, OrderRepository orders, SandboxProperties sandbox, WebServerApplicationContext server,
                  SandboxGateway gateway) {
        this.gateway = gateway;
        this.mailSink = mailSink;
        this.orders = orders;
        this.sandbox = sandbox;
        this.server = server;
    }

    @GetMapping("/dev/mail")
    List<DevMailSink.ReceivedMail> mail() {
        return mailSink.received();
    }

    /**
     * The buyer pays at the sandbox gateway, which then calls our notify endpoint. With notify=false the
     * callback is "lost": the payment-compensation process finds the payment by querying the sandbox.
     */
    @PostMapping("/dev/sandbox/pay/{orderNo}")
    SandboxPayment pay(@PathVariable String orderNo, @RequestParam(defaultValue = "true") boolean notify) {
        if (!sandbox.enabled()) {
            throw Problems.notFound("the sandbox channel is disabled (kamiflow.payment.sandbox.secret is empty)");
        }
        Order order = orders.findByOrderNo(orderNo).orElseThrow(() -> Problems.notFound("no order " + orderNo));
        if (gateway.isClosed(orderNo)) {
            throw Problems.conflict("order " + orderNo + " expired and its sandbox trade is closed: it can no longer be paid");
        }
        Map<String, String> fields = new TreeMap<>();
        fields.put("orderNo", order.orderNo());
        fields.put("tradeNo", "SBX" + UUID.randomUUID().toString().replace("-", ""));
        fields.put("amount", order.amount().amount());
        fields.put("currency", order.amount().currency());
        fields.put("status", "PAID");
        fields.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        fields.put("sign", SandboxSignature.sign(fields, sandbox.secret()));
        gateway.recordPaid(fields.get("tradeNo"), order);
        if (!notify) {
            return new SandboxPayment(orderNo, fields.get("tradeNo"), 0, "callback not sent");
        }
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        fields.forEach(form::add);
        ResponseEntity<String> reply = RestClient.create("http://127.0.0.1:" + server.getWebServer().getPort())
                .post().uri("/api/payments/sandbox/notify")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form)
                .retrieve().onStatus(status -> true, (request, response) -> { })
                .toEntity(String.class);
        return new SandboxPayment(orderNo, fields.get("tradeNo"), reply.getStatusCode().value(), reply.getBody());
    }
}
