package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * An admin's new product or change of a product, the same rules for the admin API and the back office: the fields'
 * constraints on {@link NewProduct} and {@link ProductEdit} (bean validation, checked where the request is bound),
 * the price's here. For a change the row is locked while the version is compared and the change written, so of two
 * admins who read the same version one wins and the other hears 412 (the back office: its form is refused), never a
 * silent overwrite. Orders are untouched: each holds its own amount and currency from checkout.
 */
@Service
public class ProductChanges {

    /** Longest description in either language (Markdown). */
    public static final int MAX_DESCRIPTION = 10000;
    static final String STOCK_DISPLAYS = "EXACT|IN_STOCK";
    static final String STOCK_DISPLAY_RULE = "must be EXACT or IN_STOCK";

    /** A new product as the admin enters it; no threshold means 0 (never warn); the texts are optional. */
    public record NewProduct(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", message = "must be 1-64 letters, digits, '.', '_' or '-'") String sku,
            @NotBlank @Size(max = 200) String name,
            @NotBlank String price,
            @NotBlank String currency,
            @PositiveOrZero Integer lowStockThreshold,
            @Size(max = 200) String nameZh,
            @Size(max = MAX_DESCRIPTION) String descriptionEn,
            @Size(max = MAX_DESCRIPTION) String descriptionZh,
            @Size(max = MAX_DESCRIPTION) String usageNotesEn,
            @Size(max = MAX_DESCRIPTION) String usageNotesZh,
            @Positive Integer minQuantity,
            @Positive Integer maxQuantity,
            @Size(max = 64) String category,
            @Size(max = 32) String listPrice,
            @Pattern(regexp = STOCK_DISPLAYS, message = STOCK_DISPLAY_RULE) String stockDisplay,
            List<PriceTiers.TierInput> tiers) {

        public NewProduct(String sku, String name, String price, String currency, Integer lowStockThreshold) {
            this(sku, name, price, currency, lowStockThreshold, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * Every field the admin may change; sku, if given, must be the product's (a sku is never renamed). The optional
     * texts (nameZh, descriptions, usage notes), the quantity range, the category (a slug; "" for none), the list
     * price ("" for none) and the stock display keep what is stored when absent (null), so a
     * client that does not know them loses nothing; an empty text removes it.
     */
    public record ProductEdit(
            String sku,
            @NotBlank @Size(max = 200) String name,
            @NotBlank String price,
            @NotBlank String currency,
            @NotNull @PositiveOrZero Integer lowStockThreshold,
            @NotNull Boolean active,
            @Size(max = 200) String nameZh,
            @Size(max = MAX_DESCRIPTION) String descriptionEn,
            @Size(max = MAX_DESCRIPTION) String descriptionZh,
            @Size(max = MAX_DESCRIPTION) String usageNotesEn,
            @Size(max = MAX_DESCRIPTION) String usageNotesZh,
            @Positive Integer minQuantity,
            @Positive Integer maxQuantity,
            @Size(max = 64) String category,
            @Size(max = 32) String listPrice,
            @Pattern(regexp = STOCK_DISPLAYS, message = STOCK_DISPLAY_RULE) String stockDisplay,
            List<PriceTiers.TierInput> tiers) {

        public ProductEdit(String sku, String name, String price, String currency, Integer lowStockThreshold,
                           Boolean active) {
            this(sku, name, price, currency, lowStockThreshold, active, null, null, null, null, null, null, null, null,
                    null, null, null);
        }
    }

    /** A field the bean constraints let through but the shop's rules refuse (400); {@code code} names the rule. */
    public static final class InvalidField extends ErrorResponseException {
        private final String field;
        private final String code;
        private final transient Object[] arguments;

        InvalidField(String field, String code, String detail, Object... arguments) {
            super(HttpStatus.BAD_REQUEST, org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
            this.field = field;
            this.code = code;
            this.arguments = arguments;
        }

        public String field() {
            return field;
        }

        public String code() {
            return code;
        }

        public Object[] arguments() {
            return arguments.clone();
        }
    }

    /** The product changed since the admin read it (412): {@code current} is how it is stored now. */
    public static final class ChangedSince extends ErrorResponseException {
        private final transient Product current;

        ChangedSince(Product current) {
            super(HttpStatus.PRECONDITION_FAILED, org.springframework.http.ProblemDetail.forStatusAndDetail(
                    HttpStatus.PRECONDITION_FAILED, "product '" + current.sku() + "' changed since you read it: it is at version "
                            + current.version() + " now (ETag " + IfMatch.etag(current.version())
                            + "); GET it again and reapply your change"), null);
            getHeaders().set(HttpHeaders.ETAG, IfMatch.etag(current.version()));
            this.current = current;
        }

        public Product current() {
            return current;
        }
    }

    /** A product with this sku exists already (409). */
    public static final class SkuTaken extends ErrorResponseException {
        SkuTaken(String sku) {
            super(HttpStatus.CONFLICT, org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "a product with sku '" + sku + "' already exists"), null);
        }
    }

    /** What is stored of a change; the sku names the product and stays. */
    record Edit(String name, Money price, int lowStockThreshold, boolean active, String nameZh, String descriptionEn,
                String descriptionZh, String usageNotesEn, String usageNotesZh, int minQuantity, int maxQuantity,
                Long categoryId, Money listPrice, StockDisplay stockDisplay) {
    }

    private final ProductRepository products;
    private final CategoryRepository categories;
    private final AuditLog audit;
    private final int shopMaxQuantity;
    private final PriceTiers tiers;

    ProductChanges(ProductRepository products, CategoryRepository categories, AuditLog audit,
                   @Value("${kamiflow.ordering.max-quantity:10}") int shopMaxQuantity, PriceTiers tiers) {
        this.tiers = tiers;
        this.products = products;
        this.categories = categories;
        this.audit = audit;
        this.shopMaxQuantity = shopMaxQuantity;
    }

    /**
     * The quantity range's rules, for create and change: at most the maximum as minimum, and no maximum above the
     * shop's limit (kamiflow.ordering.max-quantity), which every order obeys. Positive: the field constraints.
     * @throws InvalidField naming minQuantity or maxQuantity
     */
    private void checkQuantities(int min, int max) {
        if (max > shopMaxQuantity) {
            throw new InvalidField("maxQuantity", "maxQuantity.shopLimit",
                    "maxQuantity must be at most the shop's limit of " + shopMaxQuantity, shopMaxQuantity);
        }
        if (min > max) {
            throw new InvalidField("minQuantity", "minQuantity.aboveMax",
                    "minQuantity (" + min + ") must not be above maxQuantity (" + max + ")", max);
        }
    }

    /** Creates the product (visible), audited. @throws InvalidField for a bad price, SkuTaken if the sku exists */
    @Transactional
    public Product create(NewProduct request) {
        Money price = price(request.price(), request.currency());
        int threshold = request.lowStockThreshold() == null ? 0 : request.lowStockThreshold();
        Product product = products.insert(request.sku(), request.name().strip(), price, threshold)
                .orElseThrow(() -> new SkuTaken(request.sku()));
        String nameZh = text(request.nameZh(), null, true);
        String descriptionEn = text(request.descriptionEn(), null, false);
        String descriptionZh = text(request.descriptionZh(), null, false);
        String usageNotesEn = text(request.usageNotesEn(), null, false);
        String usageNotesZh = text(request.usageNotesZh(), null, false);
        int min = request.minQuantity() == null ? 1 : request.minQuantity();
        int max = request.maxQuantity() == null ? Math.max(min, shopMaxQuantity) : request.maxQuantity();
        checkQuantities(min, max);
        Long categoryId = category(request.category(), null);
        List<PriceTiers.Tier> newTiers = request.tiers() == null ? List.of() : PriceTiers.parse(request.tiers(), price.currency());
        tiers.replace(product.id(), newTiers);
        if (nameZh != null || descriptionEn != null || descriptionZh != null || usageNotesEn != null || usageNotesZh != null
                || min != product.minQuantity() || max != product.maxQuantity() || categoryId != null) {
            products.setDetails(product.id(), nameZh, descriptionEn, descriptionZh, usageNotesEn, usageNotesZh, min, max,
                    categoryId);
            product = products.getById(product.id());
        }
        Money listPrice = listPrice(request.listPrice(), null, price);
        StockDisplay display = request.stockDisplay() == null ? StockDisplay.EXACT : StockDisplay.valueOf(request.stockDisplay());
        if (listPrice != null || display != product.stockDisplay()) {
            products.setShopLook(product.id(), listPrice, display);
            product = products.getById(product.id());
        }
        audit.record("product.create", product.sku(), "price " + price.amount() + " " + price.currency()
                + (newTiers.isEmpty() ? "" : "; tiers " + PriceTiers.describe(newTiers)));
        return product;
    }

    /** The back office's change: the form carries the version it was rendered with. @throws ChangedSince if stale */
    @Transactional
    public Product change(String sku, long version, ProductEdit request) {
        return change(sku, new IfMatch(false, List.of(Long.toString(version))), request);
    }

    /** @return the product as stored now; unchanged (same version, no audit row) when the edit changes nothing */
    @Transactional
    Product change(String sku, IfMatch ifMatch, ProductEdit request) {
        Money price = price(request.price(), request.currency());
        Product product = products.lockBySku(sku)
                .orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
        if (!ifMatch.matches(product.version())) {
            throw new ChangedSince(product);
        }
        Edit edit = new Edit(request.name().strip(), price, request.lowStockThreshold(), request.active(),
                text(request.nameZh(), product.nameZh(), true), text(request.descriptionEn(), product.descriptionEn(), false),
                text(request.descriptionZh(), product.descriptionZh(), false),
                text(request.usageNotesEn(), product.usageNotesEn(), false),
                text(request.usageNotesZh(), product.usageNotesZh(), false),
                request.minQuantity() == null ? product.minQuantity() : request.minQuantity(),
                request.maxQuantity() == null ? product.maxQuantity() : request.maxQuantity(),
                category(request.category(), product.categoryId()),
                listPrice(request.listPrice(), product.listPrice(), price),
                request.stockDisplay() == null ? product.stockDisplay() : StockDisplay.valueOf(request.stockDisplay()));
        checkQuantities(edit.minQuantity(), edit.maxQuantity());
        String changes = differences(product, edit);
        List<PriceTiers.Tier> newTiers = request.tiers() == null ? null : PriceTiers.parse(request.tiers(), price.currency());
        List<PriceTiers.Tier> oldTiers = tiers.of(product);
        if (newTiers != null && !newTiers.equals(oldTiers)) {
            changes = (changes.isEmpty() ? "" : changes + "; ") + "tiers '" + PriceTiers.describe(oldTiers) + "' -> '"
                    + PriceTiers.describe(newTiers) + "'";
        }
        if (changes.isEmpty()) {
            return product;
        }
        Product changed = products.update(product, edit);
        if (newTiers != null) {
            tiers.replace(product.id(), newTiers);
        }
        audit.record("product.update", sku, changes);
        return changed;
    }

    /**
     * The back office's change of the wholesale tiers alone: the product's version moves on as with any change.
     * @throws InvalidField naming "tiers"
     */
    @Transactional
    public Product changeTiers(String sku, List<PriceTiers.TierInput> given) {
        Product product = products.lockBySku(sku)
                .orElseThrow(() -> Problems.notFound("no product with sku '" + sku + "'"));
        List<PriceTiers.Tier> newTiers = PriceTiers.parse(given, product.price().currency());
        List<PriceTiers.Tier> oldTiers = tiers.of(product);
        if (newTiers.equals(oldTiers)) {
            return product;
        }
        tiers.replace(product.id(), newTiers);
        products.bumpVersion(product.id());
        audit.record("product.update", sku, "tiers '" + PriceTiers.describe(oldTiers) + "' -> '"
                + PriceTiers.describe(newTiers) + "'");
        return products.getById(product.id());
    }

    /**
     * The same rules for create and change: a known currency, a strict decimal in its minor units, above zero. Public
     * so a form can check the price alongside the other fields' constraints and show every mistake at once.
     * @throws InvalidField naming the field (price or currency) and the rule
     */
    public static Money price(String amount, String currency) {
        try {
            Money.currency(currency);
        } catch (IllegalArgumentException e) {
            throw new InvalidField("currency", "currency", "price: " + e.getMessage());
        }
        Money price;
        try {
            price = Money.parse(amount, currency);
        } catch (IllegalArgumentException e) {
            boolean decimals = e.getMessage().contains("decimals");
            throw new InvalidField("price", decimals ? "price.decimals" : "price.format", "price: " + e.getMessage(),
                    java.util.Currency.getInstance(Money.currency(currency)).getDefaultFractionDigits());
        }
        if (price.minor() <= 0) {
            throw new InvalidField("price", "price.positive", "price must be greater than zero");
        }
        return price;
    }

    /** "field old -> new" for each changed field, for the audit row. */
    private String differences(Product before, Edit after) {
        List<String> changes = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            changes.add("name '" + before.name() + "' -> '" + after.name() + "'");
        }
        if (!before.price().equals(after.price())) {
            changes.add("price " + shown(before.price()) + " -> " + shown(after.price()));
        }
        if (before.lowStockThreshold() != after.lowStockThreshold()) {
            changes.add("lowStockThreshold " + before.lowStockThreshold() + " -> " + after.lowStockThreshold());
        }
        if (before.active() != after.active()) {
            changes.add("active " + before.active() + " -> " + after.active());
        }
        if (!Objects.equals(before.nameZh(), after.nameZh())) {
            changes.add("nameZh " + quoted(before.nameZh()) + " -> " + quoted(after.nameZh()));
        }
        longText(changes, "descriptionEn", before.descriptionEn(), after.descriptionEn());
        longText(changes, "descriptionZh", before.descriptionZh(), after.descriptionZh());
        longText(changes, "usageNotesEn", before.usageNotesEn(), after.usageNotesEn());
        longText(changes, "usageNotesZh", before.usageNotesZh(), after.usageNotesZh());
        if (!Objects.equals(before.categoryId(), after.categoryId())) {
            changes.add("category " + quoted(before.category()) + " -> " + quoted(after.categoryId() == null ? null
                    : categories.findById(after.categoryId()).map(Category::slug).orElse(null)));
        }
        if (before.minQuantity() != after.minQuantity()) {
            changes.add("minQuantity " + before.minQuantity() + " -> " + after.minQuantity());
        }
        if (before.maxQuantity() != after.maxQuantity()) {
            changes.add("maxQuantity " + before.maxQuantity() + " -> " + after.maxQuantity());
        }
        if (!Objects.equals(before.listPrice(), after.listPrice())) {
            changes.add("listPrice " + (before.listPrice() == null ? "none" : shown(before.listPrice())) + " -> "
                    + (after.listPrice() == null ? "none" : shown(after.listPrice())));
        }
        if (before.stockDisplay() != after.stockDisplay()) {
            changes.add("stockDisplay " + before.stockDisplay() + " -> " + after.stockDisplay());
        }
        return String.join("; ", changes);
    }

    /** A long text's change by its length only: the audit row stays short. */
    static void longText(List<String> changes, String field, String before, String after) {
        if (!Objects.equals(before, after)) {
            changes.add(field + " " + length(before) + " -> " + length(after) + " chars");
        }
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /**
     * The list price as stored: absent (null) keeps {@code stored}, blank removes it; else a strict decimal in the
     * price's currency, above the price (a kept one too, so a price raised to it or a new currency is refused).
     * @throws InvalidField naming listPrice
     */
    static Money listPrice(String given, Money stored, Money price) {
        Money listPrice;
        if (given == null) {
            listPrice = stored;
        } else if (given.isBlank()) {
            listPrice = null;
        } else {
            try {
                listPrice = Money.parse(given.strip(), price.currency());
            } catch (IllegalArgumentException e) {
                throw new InvalidField("listPrice", "listPrice.format", "listPrice: " + e.getMessage());
            }
        }
        if (listPrice == null) {
            return null;
        }
        if (!listPrice.currency().equals(price.currency())) {
            throw new InvalidField("listPrice", "listPrice.currency", "listPrice is in " + listPrice.currency()
                    + ", the price in " + price.currency() + ": send the list price again in " + price.currency());
        }
        if (listPrice.minor() <= price.minor()) {
            throw new InvalidField("listPrice", "listPrice.notAbove", "listPrice (" + listPrice.amount()
                    + ") must be above the price (" + price.amount() + "), or empty for none", price.amount());
        }
        return listPrice;
    }

    /** The category a slug names: null keeps {@code stored}, "" means none. @throws InvalidField for an unknown slug */
    private Long category(String slug, Long stored) {
        if (slug == null) {
            return stored;
        }
        if (slug.isBlank()) {
            return null;
        }
        return categories.findBySlug(slug.strip()).map(Category::id).orElseThrow(() -> new InvalidField("category",
                "category.unknown", "no category with slug '" + slug.strip() + "' (see GET /api/admin/categories)"));
    }

    private static String quoted(String text) {
        return text == null ? "none" : "'" + text + "'";
    }

    /**
     * An optional text as stored: absent (null) keeps {@code stored}, blank removes it; a name is stripped, Markdown
     * only loses trailing blanks (its leading indentation means something).
     */
    static String text(String given, String stored, boolean name) {
        if (given == null) {
            return stored;
        }
        String text = name ? given.strip() : given.stripTrailing();
        return text.isEmpty() ? null : text;
    }

    private static String shown(Money money) {
        return money.amount() + " " + money.currency();
    }
}
