package io.kamiflow.backoffice;

import java.util.ArrayList;
import java.util.List;

import io.kamiflow.catalog.InputField;
import io.kamiflow.catalog.ProductKinds;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The product page's "Fulfilled by hand" form: kind and up to {@link #ROWS} buyer fields (rows {@code f0..f4}: key,
 * labelEn, labelZh, required, pattern, maxLength; a row without key is left out). The same rules as the admin API
 * (catalog.ProductKinds); a refusal comes back to the page with its reason.
 */
@Controller
class ProductKindPages {

    static final int ROWS = 5;

    private final ProductKinds kinds;

    ProductKindPages(ProductKinds kinds) {
        this.kinds = kinds;
    }

    @PostMapping("/admin/products/{sku}/kind")
    String save(@PathVariable String sku, @RequestParam(defaultValue = "KEYS") String kind, HttpServletRequest request,
                RedirectAttributes redirect) {
        List<InputField> fields = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String key = trimmed(request.getParameter("f" + i + ".key"));
            if (key == null) {
                continue;
            }
            fields.add(new InputField(key, trimmed(request.getParameter("f" + i + ".labelEn")),
                    trimmed(request.getParameter("f" + i + ".labelZh")), request.getParameter("f" + i + ".required") != null,
                    trimmed(request.getParameter("f" + i + ".pattern")), maxLength(request.getParameter("f" + i + ".maxLength"))));
        }
        try {
            kinds.change(sku, new ProductKinds.KindChange(kind, fields));
            return "redirect:/admin/products/" + sku + "?kindSaved#byhand";
        } catch (ErrorResponseException refused) {
            String detail = refused.getBody().getDetail() == null ? "" : refused.getBody().getDetail();
            return "redirect:" + UriComponentsBuilder.fromPath("/admin/products/{sku}").queryParam("kindError", detail)
                    .fragment("byhand").buildAndExpand(sku).encode().toUriString();
        }
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int maxLength(String value) {
        try {
            return value == null || value.isBlank() ? 100 : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0; // refused by the rules, with their reason
        }
    }
}
