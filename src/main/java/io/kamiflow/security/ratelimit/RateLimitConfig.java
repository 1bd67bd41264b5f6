package io.kamiflow.security.ratelimit;

import java.sql.SQLException;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Picks where buckets live, registers the buyer filter, and deletes expired buckets now and then. */
@Configuration
@EnableScheduling
class RateLimitConfig {

    private static final Logger log = LoggerFactory.getLogger(RateLimitConfig.class);

    @Bean
    RateLimitBuckets rateLimitBuckets(DataSource dataSource) throws MetaDataAccessException, SQLException {
        String product = JdbcUtils.extractDatabaseMetaData(dataSource, metaData -> metaData.getDatabaseProductName());
        if ("PostgreSQL".equals(product)) {
            return new PostgresBuckets(dataSource);
        }
        log.info("rate limits kept in memory on {}: they hold per node only (PostgreSQL shares them across nodes)", product);
        return new LocalBuckets();
    }

    @Bean
    FilterRegistrationBean<BuyerRateLimitFilter> buyerRateLimit(RateLimiter limiter, RateLimitProperties properties,
                                                                ExemptAddresses exempt, ObjectMapper json) {
        FilterRegistrationBean<BuyerRateLimitFilter> registration =
                new FilterRegistrationBean<>(new BuyerRateLimitFilter(limiter, properties, exempt, json));
        registration.addUrlPatterns("/api/orders", "/api/orders/*", "/products/*", "/orders/*", "/find-order");
        registration.setName("kamiflowBuyerRateLimit");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // before the body is read or anything is written
        return registration;
    }

    @Bean
    ExpiredBucketCleaner expiredBucketCleaner(RateLimitBuckets buckets) {
        return new ExpiredBucketCleaner(buckets);
    }

    static class ExpiredBucketCleaner {
        private final RateLimitBuckets buckets;

        ExpiredBucketCleaner(RateLimitBuckets buckets) {
            this.buckets = buckets;
        }

        /** Each node may run it: rows are deleted with SKIP LOCKED, in batches. */
        @Scheduled(fixedDelayString = "${kamiflow.rate-limit.cleanup-interval:PT10M}",
                initialDelayString = "${kamiflow.rate-limit.cleanup-interval:PT10M}")
        void removeExpired() {
            int removed = buckets.removeExpired();
            if (removed > 0) {
                log.debug("removed {} expired rate-limit buckets", removed);
            }
        }
    }
}
