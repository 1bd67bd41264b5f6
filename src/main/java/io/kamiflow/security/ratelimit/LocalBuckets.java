package io.kamiflow.security.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/** In-memory buckets for the embedded H2 default, which Bucket4j's JDBC backends do not serve: one node only. */
class LocalBuckets implements RateLimitBuckets {

    private record Entry(Bucket bucket, long capacity) {
    }

    private final Map<String, Entry> buckets = new ConcurrentHashMap<>();

    @Override
    public Bucket get(String key, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(key, k -> new Entry(
                Bucket.builder().addLimit(configuration.getBandwidths()[0]).build(),
                configuration.getBandwidths()[0].getCapacity())).bucket();
    }

    @Override
    public int removeExpired() {
        int before = buckets.size();
        buckets.values().removeIf(entry -> entry.bucket().getAvailableTokens() >= entry.capacity());
        return before - buckets.size();
    }
}
