package io.kamiflow.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("kamiflow.delivery")
public record DeliveryProperties(@DefaultValue("kamiflow <keys@kamiflow.local>") String from,
                                 @DefaultValue("admin@kamiflow.local") String adminEmail,
                                 @DefaultValue("kamiflow") String shopName) {
}
