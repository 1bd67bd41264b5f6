package io.kamiflow.backoffice;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyBatches;
import jakarta.servlet.http.HttpServletResponse;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * A key batch's actions on the product page: void its unsold keys (staff and owner, confirmed), and export them as a
 * text file (the owner only, with their password entered again: the one place key values leave in clear, so a session
 * left open is not enough). Both go through inventory's {@link KeyBatches}, audited by counts.
 */
@Controller
class KeyBatchPages {

    private final ProductRepository products;
    private final KeyBatches batches;
    private final IdentityService identity;

    KeyBatchPages(ProductRepository products, KeyBatches batches, IdentityService identity) {
        this.products = products;
        this.batches = batches;
        this.identity = identity;
    }

    @PostMapping("/admin/products/{sku}/batches/{batchId}/void")
    String voidUnsold(@PathVariable String sku, @PathVariable String batchId,
                      @RequestParam(required = false) String confirm) {
        Product product = find(sku, batchId);
        if (!"yes".equals(confirm)) {
            return back(sku, "batchError=confirm");
        }
        return back(sku, "voided=" + batches.voidUnsold(product, batchId));
    }

    @PostMapping("/admin/products/{sku}/batches/{batchId}/export")
    String export(@PathVariable String sku, @PathVariable String batchId, @RequestParam(required = false) String password,
                  Authentication user, HttpServletResponse response) throws IOException {
        Product product = find(sku, batchId);
        if (password == null || password.isEmpty() || !identity.checkPassword(user.getName(), password)) {
            batches.exportRefused(product, batchId);
            return back(sku, "batchError=password");
        }
        List<String> keys = batches.exportUnsold(product, batchId);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"keys-" + product.sku() + "-"
                + new KeyBatches.Batch(batchId, null, 0, 0, 0, 0).shortId() + ".txt\"");
        Writer out = response.getWriter();
        for (String key : keys) {
            out.write(key);
            out.write("\r\n");
        }
        out.flush();
        return null;
    }

    private Product find(String sku, String batchId) {
        if (!KeyBatches.validId(batchId)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return products.findBySku(sku).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private static String back(String sku, String query) {
        return "redirect:/admin/products/" + sku + "?" + query + "#batches";
    }
}
