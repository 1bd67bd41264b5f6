-- As postgresql/V6, without rate_limit_bucket: on H2 (the single-node dev default) Bucket4j keeps buckets in memory.
ALTER TABLE customer_order ADD COLUMN client_address VARCHAR(64);
CREATE INDEX ix_customer_order_client_address ON customer_order (client_address, status);
CREATE TABLE address_lock (
    address VARCHAR(64) PRIMARY KEY
);
