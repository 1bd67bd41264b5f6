-- A product's name in Chinese (the existing name is the English one) and its description in both languages, as
-- Markdown. All optional: the storefront falls back to the other language when one is empty.
ALTER TABLE product ADD COLUMN name_zh VARCHAR(200);
ALTER TABLE product ADD COLUMN description_en VARCHAR(10000);
ALTER TABLE product ADD COLUMN description_zh VARCHAR(10000);
