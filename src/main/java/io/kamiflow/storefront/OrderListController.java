package io.kamiflow.storefront;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.delivery.OrderListMail;
import io.kamiflow.ordering.AccessTokens;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.ordering.OrderListLinks;
import io.kamiflow.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Find my orders" by email alone: the form on the find-order page mails the address a link to the list of its orders
 * ({@link OrderListLinks}); the answer is the same whether or not it has any. The list shows no keys: each row links to
 * its order page with that order's own token.
 */
@Controller
class OrderListController {

    /** One row of the list: what the buyer recognises an order by, and its page. */
    public record Row(String orderNo, String product, int quantity, String amount, String status, String createdIso,
                      String createdText, String link) {
    }

    private static final String EMAIL = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+";
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private final OrderListMail mail;
    private final OrderListLinks links;
    private final AccessTokens tokens;
    private final ProductRepository products;

    OrderListController(OrderListMail mail, OrderListLinks links, AccessTokens tokens, ProductRepository products) {
        this.mail = mail;
        this.links = links;
        this.tokens = tokens;
        this.products = products;
    }

    /** The language switch of the answer page links here: the form again, in the language picked (?lang=). */
    @GetMapping("/find-order/email")
    String form() {
        return "redirect:/find-order";
    }

    @PostMapping("/find-order/email")
    String request(@RequestParam(defaultValue = "") String email, Model model, Locale locale,
                   HttpServletResponse response) {
        String address = email.strip();
        if (address.length() > 254 || !address.matches(EMAIL)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("listError", "orderpages.error.email");
            return "find-order";
        }
        if (!mail.request(address, locale)) { // the same answer whether or not the address has orders
            throw Problems.serviceUnavailable("too many order link requests are waiting to be mailed; try again in a minute",
                    RETRY_AFTER);
        }
        model.addAttribute("listSent", true);
        return "find-order";
    }

    @GetMapping("/my-orders")
    String list(@RequestParam(required = false) String token, Model model, Locale locale, HttpServletResponse response) {
        Optional<List<Order>> orders = links.orders(token);
        if (orders.isEmpty()) { // unknown or expired: one answer for both
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return "my-orders-expired";
        }
        model.addAttribute("rows", orders.get().stream().map(order -> row(order, locale)).toList());
        return "my-orders";
    }

    private Row row(Order order, Locale locale) {
        return new Row(order.orderNo(), products.getById(order.productId()).name(locale), order.quantity(),
                Prices.format(order.amount(), locale), order.status().name(), PageTimes.iso(order.createdAt().toInstant()),
                PageTimes.text(order.createdAt().toInstant()),
                OrderLinks.path(order.orderNo(), tokens.tokenFor(order.orderNo())));
    }
}
