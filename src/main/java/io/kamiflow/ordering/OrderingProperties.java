package io.kamiflow.ordering;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("kamiflow.ordering")
public record OrderingProperties(@DefaultValue("10") int maxQuantity) {
}
