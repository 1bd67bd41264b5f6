package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.kamiflow.ops.AuditLog;
import io.kamiflow.web.Problems;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

/**
 * An admin's new category or change of one, the same rules for the admin API and the back office: the fields'
 * constraints on {@link NewCategory} and {@link CategoryEdit} (checked where the request is bound), the slug's
 * uniqueness here. Every change is audited under the user; a slug never changes (it names the category in URLs).
 */
@Service
public class CategoryChanges {

    public record NewCategory(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}", message = "must be 1-64 lower-case letters, digits or '-'") String slug,
            @NotBlank @Size(max = 100) String nameEn,
            @Size(max = 100) String nameZh,
            Integer position) {
    }

    /** Everything but the slug; nameZh and position keep what is stored when left out (null). */
    public record CategoryEdit(String slug, @NotBlank @Size(max = 100) String nameEn, @Size(max = 100) String nameZh,
                               Integer position) {
    }

    /** A category with this slug exists already (409). */
    public static final class SlugTaken extends ErrorResponseException {
        SlugTaken(String slug) {
            super(HttpStatus.CONFLICT, org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "a category with slug '" + slug + "' already exists"), null);
        }
    }

    private final CategoryRepository categories;
    private final AuditLog audit;

    CategoryChanges(CategoryRepository categories, AuditLog audit) {
        this.categories = categories;
        this.audit = audit;
    }

    /**
     * A new category; without a position it goes last.
     * @throws SlugTaken if the slug exists
     */
    @Transactional
    public Category create(NewCategory request) {
        int position = request.position() != null ? request.position()
                : categories.findAll().stream().mapToInt(Category::position).max().orElse(0) + 10;
        Category category = categories.insert(request.slug(), request.nameEn().strip(), blankToNull(request.nameZh()),
                position).orElseThrow(() -> new SlugTaken(request.slug()));
        audit.record("category.create", category.slug(), "nameEn '" + category.nameEn() + "'; position " + category.position());
        return category;
    }

    /** @return the category as stored now; unchanged (no audit row) when the edit changes nothing */
    @Transactional
    public Category change(String slug, CategoryEdit request) {
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
            return before;
        }
        Category after = categories.update(before, nameEn, nameZh, position);
        audit.record("category.update", slug, String.join("; ", changes));
        return after;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String quoted(String text) {
        return text == null ? "none" : "'" + text + "'";
    }
}
