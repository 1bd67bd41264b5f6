package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.web.Problems;

/**
 * The rules for a hand-fulfilled product's buyer fields: how the owner may define them (checked when saved) and how a
 * buyer's values are checked at checkout. A pattern is a Java regular expression of at most {@link #MAX_PATTERN}
 * characters, and matching it is cut off after a bounded number of steps, so a catastrophic pattern costs a refused
 * checkout, not a busy thread.
 */
public final class InputFields {

    public static final int MAX_FIELDS = 10;
    public static final int MAX_VALUE = 1000;
    public static final int MAX_PATTERN = 200;
    private static final int MAX_LABEL = 100;
    private static final Pattern KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,31}");
    /** Character reads one match may take: far more than any sane pattern needs for 1,000 characters. */
    private static final long MATCH_BUDGET = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private InputFields() {
    }

    /** @throws org.springframework.web.ErrorResponseException 400 naming the first wrong definition */
    public static List<InputField> checkDefinitions(List<InputField> fields) {
        if (fields == null) {
            return List.of();
        }
        if (fields.size() > MAX_FIELDS) {
            throw Problems.badRequest("inputFields: at most " + MAX_FIELDS + " fields");
        }
        Set<String> keys = new HashSet<>();
        List<InputField> checked = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            InputField f = fields.get(i);
            String at = "inputFields[" + i + "]";
            if (f == null || f.key() == null || !KEY.matcher(f.key()).matches()) {
                throw Problems.badRequest(at + ".key must be 1-32 letters, digits or '_', starting with a letter");
            }
            if (!keys.add(f.key())) {
                throw Problems.badRequest(at + ".key '" + f.key() + "' is used twice");
            }
            if (f.labelEn() == null || f.labelEn().isBlank() || f.labelEn().length() > MAX_LABEL
                    || f.labelZh() != null && f.labelZh().length() > MAX_LABEL) {
                throw Problems.badRequest(at + ".labelEn is required and the labels hold at most " + MAX_LABEL + " characters");
            }
            if (f.maxLength() < 1 || f.maxLength() > MAX_VALUE) {
                throw Problems.badRequest(at + ".maxLength must be between 1 and " + MAX_VALUE);
            }
            String pattern = f.pattern() == null || f.pattern().isEmpty() ? null : f.pattern();
            if (pattern != null) {
                if (pattern.length() > MAX_PATTERN) {
                    throw Problems.badRequest(at + ".pattern holds at most " + MAX_PATTERN + " characters");
                }
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw Problems.badRequest(at + ".pattern is not a valid Java regular expression: " + e.getDescription());
                }
            }
            String labelZh = f.labelZh() == null || f.labelZh().isBlank() ? null : f.labelZh().strip();
            checked.add(new InputField(f.key(), f.labelEn().strip(), labelZh, f.required(), pattern, f.maxLength()));
        }
        return List.copyOf(checked);
    }

    /**
     * The buyer's values as they will be stored (stripped, empty ones left out).
     *
     * @throws org.springframework.web.ErrorResponseException 400 naming the field that is missing, wrong or unknown
     */
    public static Map<String, String> checkValues(Product product, Map<String, String> values) {
        Map<String, String> given = values == null ? Map.of() : values;
        List<InputField> fields = product.inputFields();
        for (String key : given.keySet()) {
            if (fields.stream().noneMatch(f -> f.key().equals(key))) {
                throw Problems.badRequest("fields." + key + " is not a field of product '" + product.sku() + "'"
                        + (fields.isEmpty() ? " (it takes no fields)" : " (its fields: "
                        + fields.stream().map(InputField::key).toList() + ")"));
            }
        }
        Map<String, String> stored = new LinkedHashMap<>();
        for (InputField field : fields) {
            String value = given.get(field.key()) == null ? null : given.get(field.key()).strip();
            field.problem(value).ifPresent(problem -> {
                throw Problems.badRequest(problem);
            });
            if (value != null && !value.isEmpty()) {
                stored.put(field.key(), value);
            }
        }
        return stored;
    }

    static boolean matches(Pattern pattern, String value) {
        try {
            return pattern.matcher(new Budgeted(value)).matches();
        } catch (BudgetExceeded e) {
            return false;
        }
    }

    static String toJson(List<InputField> fields) {
        try {
            return fields == null || fields.isEmpty() ? null : JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("input fields do not serialize", e);
        }
    }

    static List<InputField> fromJson(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(json, new TypeReference<List<InputField>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored input fields do not parse", e);
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("pattern match took too many steps", null, false, false);
        }
    }

    /** The value, counting the regex engine's reads: a backtracking explosion ends in {@link BudgetExceeded}. */
    private static final class Budgeted implements CharSequence {
        private final String value;
        private final long[] reads;

        Budgeted(String value) {
            this(value, new long[1]);
        }

        private Budgeted(String value, long[] reads) {
            this.value = value;
            this.reads = reads;
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > MATCH_BUDGET) {
                throw new BudgetExceeded();
            }
            return value.charAt(index);
        }

        @Override
        public int length() {
            return value.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(value.substring(start, end), reads);
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
