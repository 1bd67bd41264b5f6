package io.kamiflow.backoffice;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.kamiflow.catalog.CatalogueOrder;
import io.kamiflow.catalog.Category;
import io.kamiflow.catalog.CategoryChanges;
import io.kamiflow.catalog.CategoryRepository;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The catalogue's order and groups: the categories with their products' count, a new category, one category's
 * names, and moving a category or a product one place up or down (catalog's {@link CatalogueOrder}). Changes go
 * through {@link CategoryChanges}, the admin API's rules, audited under the user.
 */
@Controller
class CategoryPages {

    static final String FORM = "categoryForm";

    /** One row of the list: the category and how many products it holds (hidden ones too). */
    record Row(Category category, long products) {
    }

    private final CategoryRepository categories;
    private final ProductRepository products;
    private final CategoryChanges changes;
    private final CatalogueOrder order;
    private final MessageSource messages;

    CategoryPages(CategoryRepository categories, ProductRepository products, CategoryChanges changes,
                  CatalogueOrder order, MessageSource messages) {
        this.categories = categories;
        this.products = products;
        this.changes = changes;
        this.order = order;
        this.messages = messages;
    }

    @GetMapping("/admin/categories")
    String list(Model model) {
        return listPage(model, new CategoryChanges.NewCategory("", "", "", null), Map.of());
    }

    @PostMapping("/admin/categories")
    String create(@Valid @ModelAttribute(FORM) CategoryChanges.NewCategory form, BindingResult binding, Model model,
                  HttpServletResponse response, Locale locale) {
        if (!binding.hasErrors()) {
            try {
                return "redirect:/admin/categories?created=" + changes.create(form).slug();
            } catch (CategoryChanges.SlugTaken taken) {
                binding.addError(new FieldError(FORM, "slug", form.slug(), false,
                        new String[] {"admin.category.error.slugTaken"}, null, taken.getBody().getDetail()));
            }
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return listPage(model, form, FormErrors.of(binding, messages, locale));
    }

    private String listPage(Model model, CategoryChanges.NewCategory form, Map<String, String> errors) {
        Map<Long, Long> counts = products.findAll().stream().filter(p -> p.categoryId() != null)
                .collect(Collectors.groupingBy(Product::categoryId, Collectors.counting()));
        model.addAttribute("rows", categories.findAll().stream()
                .map(c -> new Row(c, counts.getOrDefault(c.id(), 0L))).toList());
        model.addAttribute("uncategorized", products.findAll().stream().filter(p -> p.categoryId() == null).count());
        model.addAttribute(FORM, form);
        model.addAttribute("errors", errors);
        return "admin/categories";
    }

    @GetMapping("/admin/categories/{slug}")
    String category(@PathVariable String slug, Model model) {
        Category category = find(slug);
        return categoryPage(model, category, new CategoryChanges.CategoryEdit(slug, category.nameEn(),
                category.nameZh() == null ? "" : category.nameZh(), null), Map.of());
    }

    @PostMapping("/admin/categories/{slug}")
    String save(@PathVariable String slug, @Valid @ModelAttribute(FORM) CategoryChanges.CategoryEdit form,
                BindingResult binding, Model model, HttpServletResponse response, Locale locale) {
        Category category = find(slug);
        if (!binding.hasErrors()) {
            // the page edits the names; the place changes with the list's arrows
            changes.change(slug, new CategoryChanges.CategoryEdit(slug, form.nameEn(),
                    form.nameZh() == null ? "" : form.nameZh(), null));
            return "redirect:/admin/categories?saved=" + slug;
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return categoryPage(model, category, form, FormErrors.of(binding, messages, locale));
    }

    private String categoryPage(Model model, Category category, CategoryChanges.CategoryEdit form,
                                Map<String, String> errors) {
        model.addAttribute("category", category);
        model.addAttribute("products", products.findAllInShopOrder().stream()
                .filter(p -> category.slug().equals(p.category())).toList());
        model.addAttribute(FORM, form);
        model.addAttribute("errors", errors);
        return "admin/category";
    }

    @PostMapping("/admin/categories/{slug}/move")
    String moveCategory(@PathVariable String slug, @RequestParam CatalogueOrder.Direction direction) {
        find(slug);
        order.moveCategory(slug, direction);
        return "redirect:/admin/categories#category-" + slug;
    }

    @PostMapping("/admin/products/{sku}/move")
    String moveProduct(@PathVariable String sku, @RequestParam CatalogueOrder.Direction direction) {
        products.findBySku(sku).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        order.moveProduct(sku, direction);
        return "redirect:/admin/products#product-" + sku;
    }

    private Category find(String slug) {
        return categories.findBySlug(slug).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }
}
