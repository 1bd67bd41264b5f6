-- Checkout records the client address (what Tomcat's RemoteIpValve yields) so open reservations can be
-- capped per address, not only per email; the lock row per address serializes that address's checkouts.
ALTER TABLE customer_order ADD COLUMN client_address VARCHAR(64);
CREATE INDEX ix_customer_order_client_address ON customer_order (client_address, status);
CREATE TABLE address_lock (
    address VARCHAR(64) PRIMARY KEY
);

-- Bucket4j's token buckets (PostgreSQLSelectForUpdateBasedProxyManager): one row per limit and address,
-- shared by every node; expires_at (epoch millis) lets expired rows be deleted.
CREATE TABLE rate_limit_bucket (
    id         VARCHAR(100) PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
CREATE INDEX ix_rate_limit_bucket_expires ON rate_limit_bucket (expires_at);
