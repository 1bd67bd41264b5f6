-- The owner orders the catalogue: products by position (then name, sku), as categories already are. Every product
-- starts at 0, so the order is the old one (name, sku) until the owner moves one.
ALTER TABLE product ADD COLUMN position INT NOT NULL DEFAULT 0;
