-- The shop's profile as the owner sets it in the back office: its name and an announcement banner in both languages.
-- One row (id 1), there from the start; a text that is null falls back to the other language, then to the default name.
CREATE TABLE shop_profile (
    id              INT          NOT NULL PRIMARY KEY CHECK (id = 1),
    name_en         VARCHAR(100),
    name_zh         VARCHAR(100),
    announcement_en VARCHAR(2000),
    announcement_zh VARCHAR(2000),
    announcement_on BOOLEAN      NOT NULL DEFAULT FALSE,
    version         BIGINT       NOT NULL DEFAULT 0,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO shop_profile (id) VALUES (1);

-- A product's list price (struck through next to the selling price; same currency, above the price, optional) and how
-- its stock shows in the shop: the exact count or only "in stock".
ALTER TABLE product ADD COLUMN list_price_minor BIGINT;
ALTER TABLE product ADD CONSTRAINT ck_product_list_price CHECK (list_price_minor IS NULL OR list_price_minor > price_minor);
ALTER TABLE product ADD COLUMN stock_display VARCHAR(16) NOT NULL DEFAULT 'EXACT';
ALTER TABLE product ADD CONSTRAINT ck_product_stock_display CHECK (stock_display IN ('EXACT', 'IN_STOCK'));
