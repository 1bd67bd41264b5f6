-- Uploaded images (a product's picture, the shop's logo) in the database rather than on a node's disk, so every node
-- serves the same bytes. One row per slot ('product:<id>', 'shop:logo'); product_id ties a product's image to it.
-- sha256 (hex) is the strong ETag and the version in the image's URL: a new upload changes the URL.
CREATE TABLE stored_image (
    slot         VARCHAR(80)  NOT NULL PRIMARY KEY,
    product_id   BIGINT,
    content      BYTEA        NOT NULL,
    content_type VARCHAR(20)  NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    size_bytes   INT          NOT NULL,
    width        INT          NOT NULL,
    height       INT          NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_stored_image_product UNIQUE (product_id),
    CONSTRAINT fk_stored_image_product FOREIGN KEY (product_id) REFERENCES product (id)
);
