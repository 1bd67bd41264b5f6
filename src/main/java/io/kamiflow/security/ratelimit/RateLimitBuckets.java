package io.kamiflow.security.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

/** Where the buckets live: PostgreSQL (shared by every node) or, on the embedded H2 default, this JVM. */
interface RateLimitBuckets {

    Bucket get(String key, BucketConfiguration configuration);

    /** Forgets buckets that have refilled completely; returns how many. */
    int removeExpired();
}
