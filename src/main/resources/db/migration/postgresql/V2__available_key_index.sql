-- Claim keys scans only available keys of one product: a partial index keeps that scan small
-- however many keys have been sold.
CREATE INDEX ix_card_key_available ON card_key (product_id, id) WHERE status = 'AVAILABLE';
