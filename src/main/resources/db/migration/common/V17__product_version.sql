-- The admin API's optimistic version of a product: every change through PUT /api/admin/products/{sku} adds one, and
-- a PUT names the version it read (If-Match), so two admins editing the same product cannot overwrite each other
-- unawares. Only the admin's fields count: the low-stock alert flag changes without it.
ALTER TABLE product ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
