-- How many keys of a product one order may take. 10 was, and stays, the shop's default limit
-- (kamiflow.ordering.max-quantity), which also caps every product's maximum at checkout.
ALTER TABLE product ADD COLUMN min_quantity INT NOT NULL DEFAULT 1;
ALTER TABLE product ADD COLUMN max_quantity INT NOT NULL DEFAULT 10;
ALTER TABLE product ADD CONSTRAINT ck_product_quantity_range CHECK (min_quantity >= 1 AND max_quantity >= min_quantity);
