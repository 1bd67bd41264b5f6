package io.kamiflow.catalog;

/** How the shop shows a product's stock while there is some; "sold out" shows either way when there is none. */
public enum StockDisplay {
    /** "23 left" */
    EXACT,
    /** "In stock", the count kept to the owner */
    IN_STOCK
}
