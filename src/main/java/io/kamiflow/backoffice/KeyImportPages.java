package io.kamiflow.backoffice;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyImportService;
import io.kamiflow.inventory.KeyImports;
import io.kamiflow.inventory.StockService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/**
 * A key import's progress and report. The import form's script polls {@code GET /admin/products/{sku}/imports/{id}}
 * (JSON, read from PostgreSQL, so any node answers) while the upload runs, then opens the report page, which the plain
 * form reaches by its redirect too. An import id of another product is unknown here (404).
 */
@Controller
class KeyImportPages {

    private static final Logger log = LoggerFactory.getLogger(KeyImportPages.class);

    private final ProductRepository products;
    private final KeyImports imports;
    private final StockService stock;

    KeyImportPages(ProductRepository products, KeyImports imports, StockService stock) {
        this.products = products;
        this.imports = imports;
        this.stock = stock;
    }

    /**
     * Runs the import and answers with the way to its report; a form sent twice with the same id imports nothing the
     * second time, and a database failure mid-file leaves a FAILED import whose report says how far it got.
     */
    static String run(KeyImportService service, Product product, String text, KeyImportService.Source source) {
        try {
            service.importKeys(product, text, source);
        } catch (KeyImportService.ImportIdTaken sentTwice) {
            // the first post's report is the answer
        } catch (DataAccessException failure) {
            log.warn("key import {} for {} stopped: {}", source.importId(), product.sku(), failure.getClass().getSimpleName());
        }
        return "redirect:" + reportPath(product.sku(), source.importId());
    }

    static String reportPath(String sku, String importId) {
        return "/admin/products/" + sku + "/import?id=" + importId;
    }

    /** The report of an import of this product; without an id, the product's page. */
    @GetMapping("/admin/products/{sku}/import")
    String report(@PathVariable String sku, @RequestParam(required = false) String id, Model model) {
        Product product = find(sku);
        if (id == null) {
            return "redirect:/admin/products/" + sku;
        }
        KeyImports.Progress progress = imports.find(product.id(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("product", product);
        model.addAttribute("stock", stock.stock(product.id()));
        model.addAttribute("maxListed", KeyImportService.MAX_REJECTED_LINES_LISTED);
        model.addAttribute("progress", progress);
        model.addAttribute("report", progress.result());
        model.addAttribute("fileName", progress.sourceName());
        model.addAttribute("charset", progress.sourceCharset());
        return "admin/import";
    }

    /** How far an import got, as JSON whatever the Accept header: {@code {id, status, total, processed, report}}; 404 before it started or for another product. */
    @GetMapping("/admin/products/{sku}/imports/{id}")
    @ResponseBody
    ResponseEntity<Map<String, Object>> progress(@PathVariable String sku, @PathVariable String id) {
        Product product = find(sku);
        return imports.find(product.id(), id).map(progress -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", progress.id());
            body.put("status", progress.status().name());
            body.put("total", progress.total());
            body.put("processed", progress.processed());
            body.put("report", reportPath(product.sku(), progress.id()));
            return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON).body(body);
        }).orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).cacheControl(CacheControl.noStore())
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("status", "UNKNOWN")));
    }

    private Product find(String sku) {
        return products.findBySku(sku).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }
}
