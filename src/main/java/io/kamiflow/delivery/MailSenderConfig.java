package io.kamiflow.delivery;

import java.time.Duration;
import java.util.Properties;

import io.kamiflow.catalog.ShopProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.mail.MailProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one mail sender, configured from {@code spring.mail.*} as Spring Boot configures its own (which steps back
 * when this bean exists), keeping SMTP connections open between mails ({@link ReusingMailSender}).
 * {@code kamiflow.mail.max-idle-connections: 0} turns the reuse off: a connection per mail.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MailProperties.class)
class MailSenderConfig {

    @Bean
    ReusingMailSender mailSender(MailProperties mail, MeterRegistry registry,
                                 @Value("${kamiflow.mail.max-idle-connections:4}") int maxIdle,
                                 @Value("${kamiflow.mail.max-connection-age:PT60S}") Duration maxAge) {
        ReusingMailSender sender = new ReusingMailSender(maxIdle, maxAge, registry);
        sender.setHost(mail.getHost());
        if (mail.getPort() != null) {
            sender.setPort(mail.getPort());
        }
        sender.setUsername(mail.getUsername());
        sender.setPassword(mail.getPassword());
        sender.setProtocol(mail.getProtocol());
        if (mail.getDefaultEncoding() != null) {
            sender.setDefaultEncoding(mail.getDefaultEncoding().name());
        }
        Properties properties = new Properties();
        properties.putAll(mail.getProperties());
        if (mail.getSsl().isEnabled()) {
            if (mail.getSsl().getBundle() != null) {
                throw new IllegalStateException("spring.mail.ssl.bundle is not supported: use spring.mail.ssl.enabled with "
                        + "the JVM's trust store, or spring.mail.properties.mail.smtp.ssl.* settings");
            }
            properties.setProperty("mail." + mail.getProtocol() + ".ssl.enable", "true");
        }
        sender.setJavaMailProperties(properties);
        return sender;
    }

    /**
     * The shop's name in buyer mails: the owner's (shop settings, in the mail's language, else the other one), else
     * kamiflow.delivery.shop-name, else the message bundles' shop.name, as the storefront's header shows it.
     */
    @Bean
    @ConditionalOnMissingBean(ShopName.class)
    static ShopName defaultShopName(ShopProfiles shop, DeliveryProperties properties, MessageSource messages) {
        return locale -> {
            String owners = shop.current().name(locale);
            if (owners != null) {
                return owners;
            }
            return properties.shopName() != null && !properties.shopName().isBlank() ? properties.shopName()
                    : messages.getMessage("shop.name", null, "kamiflow", locale);
        };
    }
}
