package io.kamiflow.delivery;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("kamiflow.delivery")
public record DeliveryProperties(@DefaultValue("kamiflow <keys@kamiflow.local>") String from,
                                 @DefaultValue("admin@kamiflow.local") String adminEmail,
                                 /* the shop's name in mails; unset: the message bundles' shop.name (ShopName) */
                                 String shopName,
                                 /* find-my-order link mails that may wait for the sender; beyond that the form says try again */
                                 @DefaultValue("100") int linkMailQueue) {

    public DeliveryProperties {
        if (linkMailQueue < 1) {
            throw new IllegalArgumentException("kamiflow.delivery.link-mail-queue must be at least 1, was " + linkMailQueue);
        }
    }
}
