-- H2 has no partial indexes; the embedded default gets the plain equivalent.
CREATE INDEX ix_card_key_available ON card_key (product_id, status, id);
