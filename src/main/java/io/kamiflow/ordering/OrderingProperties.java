package io.kamiflow.ordering;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param checkoutConcurrency placements run at once on a node ({@link CheckoutGate}); 0: twice the node's cores
 * @param checkoutMaxWait how long a checkout waits for its turn before it is answered 503
 */
@ConfigurationProperties("kamiflow.ordering")
public record OrderingProperties(@DefaultValue("10") int maxQuantity, @DefaultValue("0") int checkoutConcurrency,
                                 @DefaultValue("10s") java.time.Duration checkoutMaxWait) {
}
