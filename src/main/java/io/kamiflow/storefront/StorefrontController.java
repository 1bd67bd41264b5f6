package io.kamiflow.storefront;

import java.text.NumberFormat;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kamiflow.catalog.CatalogueCache;
import io.kamiflow.catalog.Category;
import io.kamiflow.catalog.Markdown;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.catalog.ShopProfiles;
import io.kamiflow.catalog.StockDisplay;
import io.kamiflow.inventory.StockLevels;
import io.kamiflow.security.ratelimit.ClientAddress;
import io.kamiflow.ordering.CheckoutGate;
import io.kamiflow.ordering.CheckoutService;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.coupons.CouponRefused;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.ordering.OrderLookupService;
import io.kamiflow.ordering.OrderStatus;
import io.kamiflow.ordering.OrderingProperties;
import io.kamiflow.payment.PaymentChannels;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The buyer's pages: catalogue, product with the checkout form, and the order page that follows the order from
 * payment to keys. They call the same services as the JSON API; the order page opens only with the order's token.
 */
@Controller
class StorefrontController {

    /**
     * @param description the description's HTML (Markdown rendered, HTML escaped), empty if none
     * @param listPrice the price struck through next to {@code price}, null if none
     * @param exactStock whether the shop shows how many are left or only that there are some
     * @param summary the description's first paragraph as short text for the catalogue's card, null if none
     * @param stock {@code available} as the page shows it (grouped in the buyer's language); the kept copy of a page
     *              holds a marker here instead ({@link StockSlots})
     */
    public record ProductCard(String sku, String name, String price, long available, String description,
                              String listPrice, boolean exactStock, String summary, boolean byHand, String stock) {
        public boolean soldOut() {
            return available == 0;
        }

        /** This card for a page's kept copy: the count's text a marker, the count itself only "any left or not". */
        ProductCard withStockMarker(String marker) {
            return new ProductCard(sku, name, price, Math.min(available, 1), description, listPrice, exactStock, summary,
                    byHand, marker);
        }
    }

    /** The longest search the catalogue takes; the rest of a longer one is ignored. */
    static final int MAX_SEARCH = 100;

    /** The most characters of a description a catalogue card shows. */
    static final int SUMMARY = 90;

    /**
     * One group of the catalogue: a category's products, or (slug null) those without one, listed last; its name is
     * null when the shop has no categories at all, so the catalogue is one list as before.
     */
    public record CatalogGroup(String slug, String name, List<ProductCard> products) {
    }

    /** @param coupon the buyer's coupon code, optional */
    public record CheckoutForm(Integer quantity, String email, String channel, String coupon) {
    }

    /** Orders whose page keeps polling: payment or keys are still to come. */
    private static final Set<OrderStatus> FOLLOWED = EnumSet.of(OrderStatus.PENDING_PAYMENT, OrderStatus.PAID,
            OrderStatus.AWAITING_STOCK, OrderStatus.MANUAL);
    private static final String EMAIL = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+";

    private final ProductRepository products;
    private final MessageSource messages;
    private final StockLevels stock;
    private final CatalogueCache catalogue;
    private final PaymentChannels channels;
    private final CheckoutService checkout;
    private final OrderLookupService lookup;
    private final OrderingProperties ordering;
    private final OrderPageDetails orderPageDetails;
    private final boolean devHelpers;
    private final ShopProfiles shop;
    private final PricingView pricing;
    private final RenderedPages renderedPages;

    StorefrontController(PricingView pricing, ProductRepository products,
                         MessageSource messages, StockLevels stock, PaymentChannels channels,
                         CheckoutService checkout, OrderLookupService lookup, OrderingProperties ordering,
                         OrderPageDetails orderPageDetails, @Value("${kamiflow.dev.enabled:false}") boolean devHelpers,
                         ShopProfiles shop, CatalogueCache catalogue, RenderedPages renderedPages) {
        this.renderedPages = renderedPages;
        this.shop = shop;
        this.catalogue = catalogue;
        this.products = products;
        this.messages = messages;
        this.stock = stock;
        this.channels = channels;
        this.checkout = checkout;
        this.lookup = lookup;
        this.ordering = ordering;
        this.orderPageDetails = orderPageDetails;
        this.devHelpers = devHelpers;
        this.pricing = pricing;
    }

    /**
     * The catalogue, or with {@code q} the products whose name in either language contains it (any case). The whole
     * catalogue is the same page for every buyer: its render is kept while its model stays equal ({@link RenderedPages}).
     */
    @GetMapping("/")
    ModelAndView catalog(@RequestParam(required = false) String q, Model model, Locale locale) {
        String search = q == null ? "" : q.strip();
        search = search.length() > MAX_SEARCH ? search.substring(0, MAX_SEARCH) : search;
        CatalogueCache.Snapshot snapshot = catalogue.current();
        List<Product> active = search.isEmpty() ? snapshot.active() : products.searchActive(search);
        model.addAttribute("products", active);
        model.addAttribute("groups", groups(snapshot, active, locale));
        model.addAttribute("q", search);
        model.addAttribute("announcement", snapshot.html(shop.current().announcement(locale)));
        return search.isEmpty() ? new ModelAndView(renderedPages.page("catalog", "")) : new ModelAndView("catalog");
    }

    @GetMapping("/products/{sku}")
    ModelAndView product(@PathVariable String sku, @RequestParam(required = false) Integer quantity, Model model, Locale locale,
                         HttpServletResponse response) {
        Optional<Product> product = catalogue.current().activeBySku(sku);
        if (product.isEmpty()) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return new ModelAndView("product-not-found");
        }
        // "buy again" from an expired order brings its quantity along, kept within the product's range
        int min = product.get().minQuantity();
        int initial = quantity == null ? min : Math.max(min, Math.min(quantity, product.get().maxQuantity(ordering.maxQuantity())));
        productPage(product.get(), new CheckoutForm(initial, "", null, ""), null, model, locale);
        return new ModelAndView(renderedPages.page("product", sku)); // the same for every buyer but their CSRF token
    }

    @PostMapping("/products/{sku}/checkout")
    String checkout(@PathVariable String sku, @ModelAttribute CheckoutForm form, Model model, Locale locale,
                    HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        Optional<Product> product = products.findBySku(sku).filter(Product::active);
        if (product.isEmpty()) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return "product-not-found";
        }
        String error = invalid(form, product.get());
        java.util.Map<String, String> fields = HandFields.from(request, product.get());
        model.addAttribute("fieldValues", fields);
        if (error == null) {
            try {
                CheckoutService.Checkout placed = checkout.checkout(sku, form.quantity(), form.email().strip(),
                        form.channel(), ClientAddress.of(request), locale, form.coupon(),
                        product.get().byHand() ? fields : null);
                redirect.addFlashAttribute("payment", placed.payment());
                return "redirect:" + OrderLinks.path(placed.order().orderNo(), placed.accessToken());
            } catch (ErrorResponseException refused) {
                response.setStatus(refused.getStatusCode().value());
                boolean busy = refused.getBody().getProperties() != null
                        && CheckoutGate.BUSY.equals(refused.getBody().getProperties().get("reason"));
                error = refused instanceof CouponRefused coupon ? "coupons.error." + coupon.reason()
                        : busy ? "checkout.error.busy" : switch (refused.getStatusCode().value()) {
                    case 409 -> "checkout.error.stock";
                    case 429 -> "checkout.error.tooMany";
                    case 502, 503 -> "checkout.error.gateway";
                    default -> HandFields.problem(refused, product.get(), locale, model);
                };
            }
        } else {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
        return productPage(product.get(), form, error, model, locale);
    }

    @GetMapping("/orders/{orderNo}")
    String order(@PathVariable String orderNo, @RequestParam(required = false) String token, Model model,
                 Locale locale, HttpServletResponse response) {
        Optional<OrderLookupService.BuyerView> view = lookup.lookup(orderNo, token);
        if (view.isEmpty()) { // wrong number or wrong token: one answer for both
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return "order-not-found";
        }
        Order order = view.get().order();
        List<String> keys = view.get().keys() == null ? List.of() : view.get().keys();
        model.addAttribute("order", order);
        // a hidden product is not in the catalogue's copy: its buyers' pages read it
        Product product = catalogue.current().active(order.productId()).orElseGet(() -> products.getById(order.productId()));
        model.addAttribute("product", product.name(locale));
        model.addAttribute("usageNotes", keys.isEmpty() ? "" : Markdown.html(product.usageNotes(locale)));
        model.addAttribute("amount", Prices.format(order.amount(), locale));
        pricing.order(model, order, locale);
        model.addAttribute("keys", keys);
        HandFields.orderPage(product, order, view.get().delivery(), model);
        model.addAttribute("follow", FOLLOWED.contains(order.status()) && keys.isEmpty() && view.get().delivery() == null);
        model.addAttribute("sandboxPay", devHelpers && order.status() == OrderStatus.PENDING_PAYMENT
                && "sandbox".equals(order.channel()));
        orderPageDetails.addTo(model, order, product, keys);
        if (model.getAttribute("payment") instanceof Map<?, ?> payment && payment.get("codeUrl") instanceof String code) {
            model.addAttribute("qr", QrCode.of(code));
        }
        return "order";
    }

    private String productPage(Product product, CheckoutForm form, String error, Model model, Locale locale) {
        model.addAttribute("product", card(product, locale, catalogue.current()));
        model.addAttribute("form", form);
        model.addAttribute("channels", channels.enabledIds());
        model.addAttribute("minQuantity", product.minQuantity());
        model.addAttribute("maxQuantity", product.maxQuantity(ordering.maxQuantity()));
        model.addAttribute("error", error);
        pricing.product(model, product, form.quantity(), form.coupon(), locale);
        HandFields.productPage(product, locale, model);
        return "product";
    }

    /** Checked here as well as in the service, so the buyer reads what to fix in their language. */
    private String invalid(CheckoutForm form, Product product) {
        if (form.quantity() == null || form.quantity() < product.minQuantity()
                || form.quantity() > product.maxQuantity(ordering.maxQuantity())) {
            return "checkout.error.quantity";
        }
        if (form.email() == null || form.email().strip().length() > 254 || !form.email().strip().matches(EMAIL)) {
            return "checkout.error.email";
        }
        if (form.channel() == null || !channels.enabledIds().contains(form.channel())) {
            return "checkout.error.channel";
        }
        return null;
    }

    /** The active products by category in the categories' position order, products without one last. */
    private List<CatalogGroup> groups(CatalogueCache.Snapshot snapshot, List<Product> active, Locale locale) {
        List<CatalogGroup> groups = new java.util.ArrayList<>();
        for (Category category : snapshot.categories()) {
            List<ProductCard> cards = active.stream().filter(p -> category.slug().equals(p.category()))
                    .map(p -> card(p, locale, snapshot)).toList();
            if (!cards.isEmpty()) {
                groups.add(new CatalogGroup(category.slug(), category.name(locale), cards));
            }
        }
        List<ProductCard> rest = active.stream().filter(p -> p.category() == null).map(p -> card(p, locale, snapshot)).toList();
        if (!rest.isEmpty()) {
            groups.add(new CatalogGroup(null, groups.isEmpty() ? null : messages.getMessage("catalog.other", null, locale),
                    rest));
        }
        return groups;
    }

    private ProductCard card(Product product, Locale locale, CatalogueCache.Snapshot snapshot) {
        long available = product.byHand() ? product.maxQuantity(ordering.maxQuantity()) : stock.available(product.id());
        return new ProductCard(product.sku(), product.name(locale), Prices.format(product.price(), locale), available,
                snapshot.html(product.description(locale)),
                product.listPrice() == null ? null : Prices.format(product.listPrice(), locale),
                product.stockDisplay() == StockDisplay.EXACT, snapshot.summary(product.description(locale), SUMMARY),
                product.byHand(), NumberFormat.getIntegerInstance(locale).format(available));
    }
}
