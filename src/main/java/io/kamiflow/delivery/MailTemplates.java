package io.kamiflow.delivery;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kamiflow.web.RecordProperties;
import org.springframework.context.MessageSource;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Buyer mails from Thymeleaf templates under {@code templates/mail/}: {@code NAME.txt} (text mode, nothing escaped) and
 * {@code NAME.html} (HTML mode, every variable escaped unless the template says otherwise), their texts from the message
 * bundles in the mail's language. Its own engine, not a bean: a second template engine bean would switch off the one
 * Spring Boot configures for the pages.
 */
@Component
public class MailTemplates {

    /** A mail's subject and its two bodies, in one language. */
    public record Rendered(String subject, String text, String html) {
    }

    /**
     * Shared by every render, behind {@link RecordProperties} (the mails' records): it caches how any other property
     * is found. Without an evaluation context of our own, Thymeleaf gives each render a new one whose accessor looks
     * every property up by reflection again.
     */
    private static final ReflectivePropertyAccessor PROPERTIES = new ReflectivePropertyAccessor();

    private final SpringTemplateEngine engine = new SpringTemplateEngine();
    private final MessageSource messages;

    MailTemplates(MessageSource messages) {
        this.messages = messages;
        engine.addTemplateResolver(resolver("*.txt", TemplateMode.TEXT, 1));
        engine.addTemplateResolver(resolver("*.html", TemplateMode.HTML, 2));
        engine.setTemplateEngineMessageSource(messages);
    }

    private static ClassLoaderTemplateResolver resolver(String pattern, TemplateMode mode, int order) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/mail/");
        resolver.setResolvablePatterns(java.util.Set.of(pattern));
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCheckExistence(true);
        resolver.setOrder(order);
        return resolver;
    }

    /**
     * @param name the templates' name ({@code name.txt}, {@code name.html}) and the subject's message key
     *             ({@code mails.NAME.subject}, given the shop's name and {@code subjectArgs})
     */
    public Rendered render(String name, Locale locale, String shopName, Map<String, Object> variables,
                           Object... subjectArgs) {
        return renderWithSubject(name, "mails." + name + ".subject", locale, shopName, variables, subjectArgs);
    }

    /** As {@link #render}, the subject from {@code subjectKey} (a task's own block of the bundles). */
    public Rendered renderWithSubject(String name, String subjectKey, Locale locale, String shopName,
                                      Map<String, Object> variables, Object... subjectArgs) {
        Context context = new Context(locale, variables);
        context.setVariable("shopName", shopName);
        StandardEvaluationContext evaluation = new StandardEvaluationContext();
        evaluation.setPropertyAccessors(List.of(RecordProperties.INSTANCE, PROPERTIES));
        context.setVariable(ThymeleafEvaluationContext.THYMELEAF_EVALUATION_CONTEXT_CONTEXT_VARIABLE_NAME, evaluation);
        Object[] args = new Object[subjectArgs.length + 1];
        args[0] = shopName;
        System.arraycopy(subjectArgs, 0, args, 1, subjectArgs.length);
        return new Rendered(messages.getMessage(subjectKey, args, locale),
                engine.process(name + ".txt", context), engine.process(name + ".html", context));
    }
}
