-- One row per key import (paste, file or API): its progress, written with each committed chunk so that any node can
-- answer the back office's progress poll, then its report (counts and rejected line numbers, never a key's value).
-- The id is chosen by the client (the back office's script) so it can poll before the upload has finished.
CREATE TABLE key_import (
    id                 VARCHAR(36)  PRIMARY KEY,
    product_id         BIGINT       NOT NULL REFERENCES product (id),
    batch_id           VARCHAR(36)  NOT NULL,
    status             VARCHAR(16)  NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
    total              INT          NOT NULL,
    processed          INT          NOT NULL DEFAULT 0,
    imported           INT          NOT NULL DEFAULT 0,
    duplicate_in_batch INT          NOT NULL DEFAULT 0,
    duplicate_existing INT          NOT NULL DEFAULT 0,
    rejected           INT          NOT NULL DEFAULT 0,
    rejected_lines     VARCHAR(1000) NOT NULL DEFAULT '',
    source_name        VARCHAR(255),
    source_charset     VARCHAR(16),
    started_at         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_key_import_product ON key_import (product_id, started_at);
-- The batches list groups a product's keys by batch.
CREATE INDEX ix_card_key_batch ON card_key (product_id, batch_id);
