package io.kamiflow.security.ratelimit;

import java.time.Duration;
import java.util.Optional;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import org.springframework.stereotype.Component;

/** Token buckets per (kind, client address), kept by {@link RateLimitBuckets} (PostgreSQL or, on H2, in memory). */
@Component
public class RateLimiter {

    private final RateLimitBuckets buckets;

    RateLimiter(RateLimitBuckets buckets) {
        this.buckets = buckets;
    }

    /** Takes one request (address as {@link ClientAddress#of} gives it) from the bucket: empty when allowed, else how long until the next one would be. */
    public Optional<Duration> tryTake(String kind, String address, RateLimitProperties.Limit limit) {
        ConsumptionProbe probe = bucket(kind, address, limit).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Like {@link #tryTake} without taking: for limits that count only what happens after the request. */
    public Optional<Duration> exhausted(String kind, String address, RateLimitProperties.Limit limit) {
        EstimationProbe probe = bucket(kind, address, limit).estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    public void take(String kind, String address, RateLimitProperties.Limit limit) {
        bucket(kind, address, limit).tryConsume(1);
    }

    private Bucket bucket(String kind, String address, RateLimitProperties.Limit limit) {
        return buckets.get(kind + ":" + address, BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.getCapacity())
                        .refillGreedy(limit.getCapacity(), limit.getPeriod()))
                .build());
    }
}
