-- How to use a product's keys (Markdown, English and Chinese, optional), shown to the buyer with the keys: on the
-- order page and in the key mail. The mail speaks the buyer's language, so an order records the storefront's
-- language at checkout ('en' or 'zh-CN'); orders placed before, and through the JSON API, have none: English.
ALTER TABLE product ADD COLUMN usage_notes_en VARCHAR(10000);
ALTER TABLE product ADD COLUMN usage_notes_zh VARCHAR(10000);
ALTER TABLE customer_order ADD COLUMN language VARCHAR(8);
