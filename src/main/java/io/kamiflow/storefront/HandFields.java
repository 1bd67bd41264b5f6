package io.kamiflow.storefront;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.catalog.InputField;
import io.kamiflow.catalog.Product;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;

/**
 * The storefront's side of products fulfilled by hand: the buyer's fields on the product page (inputs named
 * {@code field_<key>}, labelled in the buyer's language), the one the server refused named in the error, and what
 * support delivered on the order page.
 */
final class HandFields {

    static final String PREFIX = "field_";

    /** One input as the product page shows it. */
    record Input(String name, String label, boolean required, int maxLength, String value) {
    }

    private HandFields() {
    }

    /** The buyer's values of the product's fields, by key; fields the product does not have are not read. */
    static Map<String, String> from(HttpServletRequest request, Product product) {
        Map<String, String> values = new LinkedHashMap<>();
        for (InputField field : product.inputFields()) {
            String value = request.getParameter(PREFIX + field.key());
            if (value != null) {
                values.put(field.key(), value);
            }
        }
        return values;
    }

    static void productPage(Product product, Locale locale, Model model) {
        @SuppressWarnings("unchecked")
        Map<String, String> values = model.getAttribute("fieldValues") instanceof Map<?, ?> given
                ? (Map<String, String>) given : Map.of();
        List<Input> inputs = product.inputFields().stream().map(field -> new Input(PREFIX + field.key(),
                field.label(locale), field.required(), field.maxLength(), values.getOrDefault(field.key(), ""))).toList();
        model.addAttribute("byHand", product.byHand());
        model.addAttribute("handInputs", inputs);
    }

    /** The message key of a refused checkout; for a field, the field's label goes into the model as {@code errorField}. */
    static String problem(ErrorResponseException refused, Product product, Locale locale, Model model) {
        String detail = refused.getBody().getDetail() == null ? "" : refused.getBody().getDetail();
        for (InputField field : product.inputFields()) {
            if (detail.startsWith("fields." + field.key() + " ")) {
                model.addAttribute("errorField", field.label(locale));
                return "byhand.error.field";
            }
        }
        return "checkout.error.input";
    }

    /** What support delivered, and the status in words that fit a product a person fulfils. */
    static void orderPage(Product product, io.kamiflow.ordering.Order order, String delivery, Model model) {
        String status = order.status().name();
        model.addAttribute("statusKey", product.byHand() && (status.equals("PAID") || status.equals("DELIVERED"))
                ? "byhand.status." + status : "order.status." + status);
        model.addAttribute("delivery", delivery);
        model.addAttribute("bookmarkKey", product.byHand() ? "byhand.bookmark" : "order.bookmark");
    }
}
