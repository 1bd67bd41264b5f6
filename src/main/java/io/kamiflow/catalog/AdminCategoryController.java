package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The catalogue's categories: list, create, change (the slug stays). Every change is audited. */
@RestController
class AdminCategoryController {

    record CategoryView(String slug, String nameEn, String nameZh, int position) {
        static CategoryView of(Category c) {
            return new CategoryView(c.slug(), c.nameEn(), c.nameZh(), c.position());
        }
    }

    record NewCategory(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}", message = "must be 1-64 lower-case letters, digits or '-'") String slug,
            @NotBlank @Size(max = 100) String nameEn,
            @Size(max = 100) String nameZh,
            Integer position) {
    }

    /** Everything but the slug; nameZh and position keep what is stored when left out. */
    record CategoryEdit(String slug, @NotBlank @Size(max = 100) String nameEn, @Size(max = 100) String nameZh,
                        Integer position) {
    }

    private final CategoryRepository categories;
    private final AuditLog audit;

    AdminCategoryController(CategoryRepository categories, AuditLog audit) {
        this.categories = categories;
        this.audit = audit;
    }

    @GetMapping("/api/admin/categories")
    @Operation(summary = "Every category in the storefront's order: position, then slug")
    List<CategoryView> list() {
        return categories.findAll().stream().map(CategoryView::of).toList();
    }

    @PostMapping("/api/admin/categories")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "A new category; 409 if the slug exists")
    @Transactional
    public CategoryView create(@Valid @RequestBody NewCategory request) {
        Category category = categories.insert(request.slug(), request.nameEn().strip(), blankToNull(request.nameZh()),
                        request.position() == null ? 0 : request.position())
                .orElseThrow(() -> Problems.of(HttpStatus.CONFLICT, "a category with slug '" + request.slug() + "' already exists"));
        audit.record("category.create", category.slug(), "nameEn '" + category.nameEn() + "'; position " + category.position());
        return CategoryView.of(category);
    }

    @PutMapping("/api/admin/categories/{slug}")
    @Operation(summary = "Change a category's names and position; the slug cannot change")
    @Transactional
    public CategoryView update(@PathVariable String slug, @Valid @RequestBody CategoryEdit request) {
        if (request.slug() != null && !request.slug().equals(slug)) {
            throw Problems.badRequest("slug cannot be changed (the body names '" + request.slug() + "', the path '" + slug + "')");
        }
        Category before = categories.findBySlug(slug)
                .orElseThrow(() -> Problems.notFound("no category with slug '" + slug + "'"));
        String nameEn = request.nameEn().strip();
        String nameZh = request.nameZh() == null ? before.nameZh() : blankToNull(request.nameZh());
        int position = request.position() == null ? before.position() : request.position();
        List<String> changes = new ArrayList<>();
        if (!before.nameEn().equals(nameEn)) {
            changes.add("nameEn '" + before.nameEn() + "' -> '" + nameEn + "'");
        }
        if (!Objects.equals(before.nameZh(), nameZh)) {
            changes.add("nameZh " + quoted(before.nameZh()) + " -> " + quoted(nameZh));
        }
        if (before.position() != position) {
            changes.add("position " + before.position() + " -> " + position);
        }
        if (changes.isEmpty()) {
            return CategoryView.of(before);
        }
        Category after = categories.update(before, nameEn, nameZh, position);
        audit.record("category.update", slug, String.join("; ", changes));
        return CategoryView.of(after);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String quoted(String text) {
        return text == null ? "none" : "'" + text + "'";
    }
}
