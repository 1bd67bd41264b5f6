package io.kamiflow.backoffice;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kamiflow.catalog.CategoryRepository;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductChanges;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyBatches;
import io.kamiflow.inventory.KeyImportService;
import io.kamiflow.inventory.KeyImports;
import io.kamiflow.inventory.StockService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * The back office's products and keys: the list with stock, a new product, one product's edit form (saved with the
 * version it was rendered with, so a stale form is refused) and its key import (pasted or a file, reported by counts
 * and line numbers, never by value). Every change goes through catalog's {@link ProductChanges} or inventory's
 * {@link KeyImportService}, which validate and audit it under the logged-in user.
 */
@Controller
class ProductPages {

    static final String FORM = "productForm";
    /** Not under /admin/products/, where every name is a sku. */
    static final String NEW_PRODUCT = "/admin/new-product";
    /** Why an import was not run; each has its text admin.import.error.{code}. */
    static final Set<String> IMPORT_ERRORS = Set.of("tooLarge", "empty", "both", "encoding", "type");

    /** One row of the list: the product and its keys. */
    record Row(Product product, StockService.Stock stock) {
        public boolean low() {
            return product.watchesLowStock() && stock.available() <= product.lowStockThreshold();
        }
    }

    private final ProductRepository products;
    private final CategoryRepository categories;
    private final ProductChanges changes;
    private final StockService stock;
    private final KeyImportService imports;
    private final MessageSource messages;
    private final KeyBatches batches;
    private final ZoneId zone;

    ProductPages(ProductRepository products, CategoryRepository categories, ProductChanges changes, StockService stock,
                 KeyImportService imports, MessageSource messages, KeyBatches batches, BackOfficeSettings settings) {
        this.batches = batches;
        this.zone = settings.zone();
        this.products = products;
        this.categories = categories;
        this.changes = changes;
        this.stock = stock;
        this.imports = imports;
        this.messages = messages;
    }

    @GetMapping("/admin/products")
    String list(Model model) {
        Map<Long, StockService.Stock> counts = stock.stockByProduct();
        model.addAttribute("rows", products.findAllInShopOrder().stream()
                .map(p -> new Row(p, counts.getOrDefault(p.id(), StockService.Stock.NONE))).toList());
        return "admin/products";
    }

    /** The new product's form, every field of the edit form but visibility (a new product is on sale). */
    @GetMapping(NEW_PRODUCT)
    String newProduct(Model model) {
        return newProductPage(model, new ProductChanges.NewProduct("", "", "", "CNY", 0), Map.of());
    }

    @PostMapping("/admin/products")
    String create(@Valid @ModelAttribute(FORM) ProductChanges.NewProduct form, BindingResult binding, Model model,
                  HttpServletResponse response, Locale locale) {
        checkPrice(binding, form.price(), form.currency());
        if (!binding.hasErrors()) {
            try {
                return "redirect:/admin/products/" + changes.create(form).sku() + "?created";
            } catch (ProductChanges.InvalidField invalid) {
                reject(binding, invalid);
            } catch (ProductChanges.SkuTaken taken) {
                reject(binding, "sku", form.sku(), "admin.product.error.skuTaken", null, taken.getBody().getDetail());
            }
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return newProductPage(model, form, FormErrors.of(binding, messages, locale));
    }

    private String newProductPage(Model model, ProductChanges.NewProduct form, Map<String, String> errors) {
        model.addAttribute(FORM, form);
        model.addAttribute("categories", categories.findAll());
        model.addAttribute("errors", errors);
        return "admin/product-new";
    }

    @GetMapping("/admin/products/{sku}")
    String product(@PathVariable String sku, @RequestParam(required = false) String importError, Model model) {
        Product product = find(sku);
        if (importError != null && IMPORT_ERRORS.contains(importError)) {
            model.addAttribute("importError", "admin.import.error." + importError);
        }
        return productPage(model, product, edit(product), product.version(), Map.of());
    }

    @PostMapping("/admin/products/{sku}")
    String save(@PathVariable String sku, @RequestParam long version,
                @Valid @ModelAttribute(FORM) ProductChanges.ProductEdit form, BindingResult binding, Model model,
                HttpServletResponse response, Locale locale) {
        Product product = find(sku);
        checkPrice(binding, form.price(), form.currency());
        if (!binding.hasErrors()) {
            try {
                changes.change(sku, version, form);
                return "redirect:/admin/products/" + sku + "?saved";
            } catch (ProductChanges.InvalidField invalid) {
                reject(binding, invalid);
            } catch (ProductChanges.ChangedSince stale) {
                // the form shows what is stored now, with its version: the user sees the other change and redoes theirs
                response.setStatus(HttpStatus.CONFLICT.value());
                model.addAttribute("stale", true);
                return productPage(model, stale.current(), edit(stale.current()), stale.current().version(), Map.of());
            }
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return productPage(model, product, form, version, FormErrors.of(binding, messages, locale));
    }

    private String productPage(Model model, Product product, ProductChanges.ProductEdit form, long version,
                               Map<String, String> errors) {
        model.addAttribute("product", product);
        model.addAttribute("stock", stock.stock(product.id()));
        model.addAttribute(FORM, form);
        model.addAttribute("version", version);
        model.addAttribute("categories", categories.findAll());
        model.addAttribute("errors", errors);
        model.addAttribute("maxFileMegabytes", KeyFiles.MAX_BYTES / (1024 * 1024));
        model.addAttribute("batches", batches.of(product.id()));
        model.addAttribute("zone", zone);
        return "admin/product";
    }

    @PostMapping("/admin/products/{sku}/keys")
    String importKeys(@PathVariable String sku, @RequestParam(required = false) String keys,
                      @RequestParam(required = false) MultipartFile file,
                      @RequestParam(required = false) String importId) throws java.io.IOException {
        Product product = find(sku);
        boolean pasted = keys != null && !keys.isBlank();
        boolean uploaded = file != null && !file.isEmpty();
        if (pasted == uploaded) {
            return importError(sku, pasted ? "both" : "empty");
        }
        String text = keys;
        String source = null;
        String charset = null;
        if (uploaded) {
            if (!KeyFiles.acceptedName(file.getOriginalFilename())) {
                return importError(sku, "type");
            }
            if (file.getSize() > KeyFiles.MAX_BYTES) {
                return importError(sku, "tooLarge");
            }
            KeyFiles.Decoded decoded = KeyFiles.decode(file.getBytes());
            if (decoded == null) {
                return importError(sku, "encoding");
            }
            text = decoded.text();
            source = KeyFiles.shownName(file.getOriginalFilename());
            charset = decoded.charset();
        }
        return KeyImportPages.run(imports, product, text, new KeyImportService.Source(
                KeyImports.validId(importId) ? importId.toLowerCase(Locale.ROOT) : UUID.randomUUID().toString(),
                source, charset));
    }

    /** A file over the multipart limit: back to the product's page with the reason (the token came in the query). */
    @ExceptionHandler(MaxUploadSizeExceededException.class)
    String tooLarge(HttpServletRequest request) {
        @SuppressWarnings("unchecked")
        Map<String, String> path = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String sku = path == null ? null : path.get("sku");
        return sku == null ? "redirect:/admin/products" : importError(sku, "tooLarge");
    }

    private static String importError(String sku, String code) {
        return "redirect:/admin/products/" + sku + "?importError=" + code + "#import";
    }

    private Product find(String sku) {
        return products.findBySku(sku).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private static ProductChanges.ProductEdit edit(Product product) {
        return new ProductChanges.ProductEdit(product.sku(), product.name(), product.price().amount(),
                product.price().currency(), product.lowStockThreshold(), product.active(), product.nameZh(),
                product.descriptionEn(), product.descriptionZh(), product.usageNotesEn(), product.usageNotesZh(),
                product.minQuantity(), product.maxQuantity(), product.category() == null ? "" : product.category(),
                product.listPrice() == null ? "" : product.listPrice().amount(), product.stockDisplay().name(), null);
    }

    /** The price's rules too when the form has other mistakes, so that all are shown at once. */
    private static void checkPrice(BindingResult binding, String price, String currency) {
        if (binding.hasErrors() && !binding.hasFieldErrors("price") && !binding.hasFieldErrors("currency")) {
            try {
                ProductChanges.price(price, currency);
            } catch (ProductChanges.InvalidField invalid) {
                reject(binding, invalid);
            }
        }
    }

    private static void reject(BindingResult binding, ProductChanges.InvalidField invalid) {
        reject(binding, invalid.field(), null, "admin.product.error." + invalid.code(), invalid.arguments(),
                invalid.getBody().getDetail());
    }

    /** Adds the error without reading the field back (the form is a record, which has no bean getters). */
    private static void reject(BindingResult binding, String field, Object value, String code, Object[] arguments,
                               String detail) {
        binding.addError(new FieldError(FORM, field, value, false, new String[] {code}, arguments, detail));
    }
}
