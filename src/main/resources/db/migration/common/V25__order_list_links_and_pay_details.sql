-- "Find my orders" by email alone: a link mailed to the address lists its orders for 30 minutes. The link carries
-- a random token; only its SHA-256 is stored, with the (lower-cased) address it lists and when it stops working.
-- A table of its own: the token opens this list and nothing else. Kept in the database, so any node opens it.
CREATE TABLE order_list_link (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    email       VARCHAR(254) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_order_list_link_expires ON order_list_link (expires_at);

-- What the gateway answered at checkout for the buyer to pay with (a pay link, a QR code's URL), so the order page
-- shows it again on reload while the order is unpaid. Nothing secret: it is what the buyer's browser was given.
CREATE TABLE order_pay_details (
    order_id    BIGINT NOT NULL PRIMARY KEY REFERENCES customer_order (id),
    pay_url     VARCHAR(4000),
    code_url    VARCHAR(4000)
);
