package io.kamiflow.fulfillment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker of the periodic processes' gateway calls ({@link GatewayActivities}), {@code kamiflow.fulfillment.gateway-calls}.
 *
 * @param threads      calls running at once per node; each holds a database connection only for its short reads and
 *                     writes, never while the gateway answers
 * @param pollInterval how often a node looks for calls to make (one indexed query)
 * @param lockTime     how long a taken call is this node's alone: longer than two bounded calls (a close may ask
 *                     again whether the trade was paid); after a crash any node makes it again (calls are idempotent)
 * @param retries      attempts before an incident, as R5/PT1M does for jobs
 * @param retryDelay   wait between attempts
 */
@ConfigurationProperties("kamiflow.fulfillment.gateway-calls")
public record GatewayCallSettings(@DefaultValue("4") int threads,
                                  @DefaultValue("1s") Duration pollInterval,
                                  @DefaultValue("60s") Duration lockTime,
                                  @DefaultValue("5") int retries,
                                  @DefaultValue("1m") Duration retryDelay) {
}
