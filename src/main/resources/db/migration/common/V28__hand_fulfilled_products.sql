-- Products a person fulfils (人工发货, 代充): kind BY_HAND takes no keys from stock; the buyer fills in the fields
-- the owner defined (JSON list: key, labels, required, pattern, max length), kept per order as personal data and
-- erased with the buyer's email. Support's delivery text is stored once per order, encrypted like the keys
-- (AES-256-GCM under the key named by secret_key_id), never in the process engine; revealed_at records the
-- first time it was shown or mailed to the buyer.
ALTER TABLE product ADD COLUMN kind VARCHAR(16) DEFAULT 'KEYS' NOT NULL;
ALTER TABLE product ADD CONSTRAINT ck_product_kind CHECK (kind IN ('KEYS', 'BY_HAND'));
ALTER TABLE product ADD COLUMN input_fields VARCHAR(8000);

CREATE TABLE order_field (
    order_id  BIGINT        NOT NULL REFERENCES customer_order (id),
    field_key VARCHAR(32)   NOT NULL,
    value     VARCHAR(1000) NOT NULL,
    CONSTRAINT pk_order_field PRIMARY KEY (order_id, field_key)
);

CREATE TABLE hand_delivery (
    order_id          BIGINT       NOT NULL PRIMARY KEY REFERENCES customer_order (id),
    secret_ciphertext BYTEA        NOT NULL,
    secret_key_id     VARCHAR(32)  NOT NULL,
    delivered_by      VARCHAR(100) NOT NULL,
    delivered_at      TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    revealed_at       TIMESTAMP WITH TIME ZONE
);
