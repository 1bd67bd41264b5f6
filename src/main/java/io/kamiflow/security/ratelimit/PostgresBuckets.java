package io.kamiflow.security.ratelimit;

import java.time.Duration;

import javax.sql.DataSource;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

/**
 * Buckets as rows of {@code rate_limit_bucket} (Flyway V6), locked with SELECT ... FOR UPDATE in their own short
 * transactions, so every node sees the same counts. A row expires once its bucket has refilled.
 */
class PostgresBuckets implements RateLimitBuckets {

    private static final int CLEANUP_BATCH = 1000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;

    PostgresBuckets(DataSource dataSource) {
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_bucket").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    @Override
    public Bucket get(String key, BucketConfiguration configuration) {
        return proxies.builder().build(key, () -> configuration);
    }

    @Override
    public int removeExpired() {
        int removed = 0;
        int batch;
        do {
            batch = proxies.removeExpired(CLEANUP_BATCH);
            removed += batch;
        } while (batch == CLEANUP_BATCH);
        return removed;
    }
}
