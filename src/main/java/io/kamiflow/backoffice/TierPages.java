package io.kamiflow.backoffice;

import java.util.ArrayList;
import java.util.List;

import io.kamiflow.catalog.PriceTiers;
import io.kamiflow.catalog.ProductChanges;
import io.kamiflow.catalog.ProductRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The product page's wholesale prices: one line per tier, "10 = 8.00" (from 10 keys on, 8.00 each in the product's
 * currency), saved as a change of the product ({@link ProductChanges#changeTiers}: a new version, audited).
 */
@Controller
class TierPages {

    private final ProductChanges changes;

    TierPages(ProductChanges changes) {
        this.changes = changes;
    }

    @PostMapping("/admin/products/{sku}/tiers")
    String save(@PathVariable String sku, @RequestParam(defaultValue = "") String tiers) {
        List<PriceTiers.TierInput> given = new ArrayList<>();
        for (String line : tiers.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("[=:：＝]", 2);
            Integer quantity;
            try {
                quantity = Integer.valueOf(parts[0].strip());
            } catch (NumberFormatException e) {
                return "redirect:/admin/products/" + sku + "?tiersError#tiers";
            }
            given.add(new PriceTiers.TierInput(quantity, parts.length < 2 ? null : parts[1].strip()));
        }
        try {
            changes.changeTiers(sku, given);
        } catch (ProductChanges.InvalidField invalid) {
            return "redirect:/admin/products/" + sku + "?tiersError#tiers";
        }
        return "redirect:/admin/products/" + sku + "?tiersSaved#tiers";
    }

    /** The tiers as the product page's text field shows them. */
    @ControllerAdvice(assignableTypes = ProductPages.class)
    static class TierModel {

        private final ProductRepository products;
        private final PriceTiers tiers;

        TierModel(ProductRepository products, PriceTiers tiers) {
            this.products = products;
            this.tiers = tiers;
        }

        @ModelAttribute
        void tiers(@PathVariable(name = "sku", required = false) String sku, Model model) {
            if (sku == null) {
                return;
            }
            products.findBySku(sku).ifPresent(product -> {
                model.addAttribute("tiersSku", product.sku());
                model.addAttribute("tiersText", String.join("\n", tiers.of(product).stream()
                        .map(t -> t.minQuantity() + " = " + t.unitPrice().amount()).toList()));
            });
        }
    }
}
