package io.kamiflow.backoffice;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;

/** A back office form's mistakes as its page shows them: the first error of each field, in the user's language. */
final class FormErrors {

    private FormErrors() {
    }

    static Map<String, String> of(BindingResult binding, MessageSource messages, Locale locale) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (FieldError error : binding.getFieldErrors()) {
            errors.putIfAbsent(error.getField(), messages.getMessage(error, locale));
        }
        return errors;
    }
}
