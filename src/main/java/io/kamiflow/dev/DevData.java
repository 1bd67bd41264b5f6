package io.kamiflow.dev;

import io.kamiflow.catalog.Money;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyImportService;
import io.kamiflow.security.IdentityBootstrap;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** The embedded default's sample shop: one product with 100 generated keys, a support login, and the logins printed. */
@Component
@Order(10)
@ConditionalOnProperty(name = "kamiflow.dev.enabled", havingValue = "true")
class DevData implements ApplicationRunner {

    static final String SAMPLE_SKU = "DEMO-KEY";
    private static final Logger log = LoggerFactory.getLogger(DevData.class);

    private final ProductRepository products;
    private final KeyImportService keys;
    private final IdentityBootstrap identity;
    private final CamundaBpmProperties camunda;
    private final boolean sampleProduct;
    private final Environment env;

    DevData(ProductRepository products, KeyImportService keys, IdentityBootstrap identity, CamundaBpmProperties camunda,
            @Value("${kamiflow.dev.sample-product:true}") boolean sampleProduct, Environment env) {
        this.products = products;
        this.keys = keys;
        this.identity = identity;
        this.camunda = camunda;
        this.sampleProduct = sampleProduct;
        this.env = env;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (sampleProduct) {
            products.insert(SAMPLE_SKU, "Demo license key", Money.parse("9.90", "CNY"), 10)
                    .ifPresent(product -> keys.generate(product, 100, "DEMO"));
        }
        identity.ensureUser("support", "support", IdentityBootstrap.SUPPORT_GROUP);
        log.warn("""

                ==== kamiflow dev default (never for production) ====
                  Cockpit/Tasklist: /camunda   admin login: {} / {}   support login: support / support
                  Sample product:   {}  (100 keys)    Mailbox: GET /dev/mail
                  Pay an order:     POST /dev/sandbox/pay/{orderNo}
                  Ports:            shop http://localhost:{}/   mail sink smtp 127.0.0.1:{}   management http://localhost:{}/actuator
                =====================================================""",
                camunda.getAdminUser().getId(), camunda.getAdminUser().getPassword(), SAMPLE_SKU,
                env.getProperty("local.server.port", env.getProperty("server.port", "8080")),
                env.getProperty("spring.mail.port"),
                env.getProperty("local.management.port", env.getProperty("management.server.port", "-")));
    }
}
