package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

/**
 * Every line on an order's path carries its order number in the MDC (key {@code orderNo}): the callback's request
 * thread and the job executor's threads alike. The structured (ECS JSON) format that
 * {@code logging.structured.format.console=ecs} switches on carries it as a field.
 */
class OrderLoggingTest extends IntegrationTest {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> jsonAppender = new OutputStreamAppender<>();

    @BeforeEach
    void capture() {
        LoggerContext context = root.getLoggerContext();
        events.setContext(context);
        events.start();
        root.addAppender(events);
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.start();
        jsonAppender.setContext(context);
        jsonAppender.setEncoder(encoder);
        jsonAppender.setOutputStream(json);
        jsonAppender.start();
        root.addAppender(jsonAppender);
    }

    @AfterEach
    void release() {
        root.detachAppender(events);
        root.detachAppender(jsonAppender);
        jsonAppender.stop();
    }

    @Test
    void callbackAndJobLinesCarryTheOrderNumber() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "LOG", "1.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "LOG", 1, "logs@example.com");
        Shop.pay(shop, order, "LOG-1");
        awaitDelivered(order.orderNo());

        List<ILoggingEvent> captured = List.copyOf(events.list);
        ILoggingEvent recorded = only(captured, "io.kamiflow.payment.PaymentRecorder", "recorded");
        assertThat(recorded.getMDCPropertyMap()).containsEntry("orderNo", order.orderNo());
        ILoggingEvent mailed = only(captured, "io.kamiflow.delivery.KeyDeliveryService", "delivered");
        assertThat(mailed.getThreadName()).as("written in a job").isNotEqualTo(recorded.getThreadName());
        assertThat(mailed.getMDCPropertyMap()).containsEntry("orderNo", order.orderNo());

        ObjectMapper mapper = new ObjectMapper();
        JsonNode line = null;
        for (String text : json.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node = mapper.readTree(text); // every line is one JSON object
            if (node.path("log").path("logger").asText(node.path("log.logger").asText()).endsWith("KeyDeliveryService")) {
                line = node;
            }
        }
        assertThat(line).as("an ECS JSON line from the delivery job").isNotNull();
        assertThat(line.findValue("orderNo").asText()).isEqualTo(order.orderNo());
    }

    private static ILoggingEvent only(List<ILoggingEvent> events, String logger, String text) {
        List<ILoggingEvent> matching = events.stream()
                .filter(e -> e.getLoggerName().equals(logger) && e.getFormattedMessage().contains(text)).toList();
        assertThat(matching).as(logger + " lines containing " + text).hasSize(1);
        return matching.get(0);
    }
}
