package io.kamiflow.security.ratelimit;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Picks where buckets live, registers the buyer limits, and deletes expired buckets now and then. */
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

    /** The buyer limits, at the handler each request reaches (Spring MVC's own matching, not the raw path). */
    @Bean
    WebMvcConfigurer buyerRateLimit(RateLimiter limiter, RateLimitProperties properties, ExemptAddresses exempt,
                                    ObjectMapper json) {
        BuyerRateLimitInterceptor interceptor = new BuyerRateLimitInterceptor(limiter, properties, exempt, json);
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }

    /** A limited route that no controller maps any more (a renamed path variable) would lose its limit silently: refuse to start. */
    @Bean
    SmartInitializingSingleton buyerRateLimitRoutesExist(
            @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings) {
        return () -> {
            Set<String> mapped = new HashSet<>();
            mappings.getHandlerMethods().keySet().forEach(info -> info.getMethodsCondition().getMethods()
                    .forEach(method -> info.getPatternValues().forEach(pattern -> mapped.add(method + " " + pattern))));
            Set<String> missing = new TreeSet<>(BuyerRateLimitInterceptor.ROUTES.keySet());
            missing.removeAll(mapped);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("rate-limited routes no controller maps: " + missing);
            }
        };
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
