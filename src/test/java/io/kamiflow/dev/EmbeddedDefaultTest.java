package io.kamiflow.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.KamiflowApplication;
import io.kamiflow.gateway.sandbox.SandboxSignature;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * README's first command, `./mvnw spring-boot:run`: kamiflow on its embedded default (H2, the dev mail sink, the
 * sandbox, the sample product) with no profile and no setting but free ports, as a newcomer starts it. A buyer orders,
 * pays through the sandbox and gets the keys on the order page and in the mailbox. (Every migration must run on H2 too:
 * V28's column "value", a keyword there, once stopped this start without any test noticing.)
 */
class EmbeddedDefaultTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aNewcomersKamiflowTakesAnOrderAndDeliversItsKeys() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(KamiflowApplication.class).run(
                "--server.port=0", "--management.server.port=0",
                // beside the shared test context in this JVM: its own engine name, no webapps (static state of their own)
                "--camunda.bpm.process-engine-name=embedded", "--camunda.bpm.webapp.enabled=false",
                "--spring.application.name=kamiflow-embedded")) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getRequiredProperty("local.server.port");
            assertThat(app.getEnvironment().getRequiredProperty("spring.datasource.url")).startsWith("jdbc:h2:mem:");

            JsonNode products = json.readTree(get(base + "/api/products", Map.of()).body());
            assertThat(products.findValuesAsText("sku")).contains("DEMO-KEY");

            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"sku":"DEMO-KEY","quantity":2,"email":"newcomer@example.com","channel":"sandbox"}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode order = json.readTree(created.body());
            String orderNo = order.get("orderNo").asText();

            Map<String, String> notice = new TreeMap<>(Map.of("orderNo", orderNo, "tradeNo", "T-" + orderNo,
                    "amount", order.get("amount").asText(), "currency", "CNY", "status", "PAID",
                    "timestamp", String.valueOf(Instant.now().getEpochSecond())));
            notice.put("sign", SandboxSignature.sign(notice, "dev-sandbox-secret")); // the embedded default's sandbox secret
            HttpResponse<String> paid = http.send(HttpRequest.newBuilder(URI.create(base + "/api/payments/sandbox/notify"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(notice.entrySet().stream()
                            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                            .collect(Collectors.joining("&")))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(paid.body()).isEqualTo("success");

            Map<String, String> token = Map.of("X-Order-Token", order.get("accessToken").asText());
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "DELIVERED".equals(json.readTree(get(base + "/api/orders/" + orderNo, token).body()).get("status").asText()));
            JsonNode delivered = json.readTree(get(base + "/api/orders/" + orderNo, token).body());
            assertThat(delivered.get("keys")).hasSize(2);
            String mails = get(base + "/dev/mail", Map.of()).body();
            assertThat(mails).contains("newcomer@example.com", delivered.get("keys").get(0).asText(),
                    delivered.get("keys").get(1).asText());
        }
    }

    private HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
