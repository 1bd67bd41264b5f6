package io.kamiflow.catalog;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The catalogue's categories over the admin API: list, create, change (the slug stays), by {@link CategoryChanges}. */
@RestController
class AdminCategoryController {

    record CategoryView(String slug, String nameEn, String nameZh, int position) {
        static CategoryView of(Category c) {
            return new CategoryView(c.slug(), c.nameEn(), c.nameZh(), c.position());
        }
    }

    private final CategoryRepository categories;
    private final CategoryChanges changes;

    AdminCategoryController(CategoryRepository categories, CategoryChanges changes) {
        this.categories = categories;
        this.changes = changes;
    }

    @GetMapping("/api/admin/categories")
    @Operation(summary = "Every category in the storefront's order: position, then slug")
    List<CategoryView> list() {
        return categories.findAll().stream().map(CategoryView::of).toList();
    }

    @PostMapping("/api/admin/categories")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "A new category (last, without a position); 409 if the slug exists")
    public CategoryView create(@Valid @RequestBody CategoryChanges.NewCategory request) {
        return CategoryView.of(changes.create(request));
    }

    @PutMapping("/api/admin/categories/{slug}")
    @Operation(summary = "Change a category's names and position; the slug cannot change")
    public CategoryView update(@PathVariable String slug, @Valid @RequestBody CategoryChanges.CategoryEdit request) {
        return CategoryView.of(changes.change(slug, request));
    }
}
