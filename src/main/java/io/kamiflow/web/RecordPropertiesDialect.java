package io.kamiflow.web;

import java.util.Set;

import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.dialect.AbstractProcessorDialect;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.processor.IProcessor;
import org.thymeleaf.processor.element.AbstractElementTagProcessor;
import org.thymeleaf.processor.element.IElementTagStructureHandler;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;
import org.thymeleaf.templatemode.TemplateMode;

/**
 * Gives the pages' renders {@link RecordProperties}: Spring's Thymeleaf view makes a new evaluation context for every
 * render, with a fixed list of property accessors, so the accessor is added when the page's {@code <html>} element
 * opens, before any of the page's own expressions (Spring Boot hands every dialect bean to its template engine). Not a
 * pre-processor: with one, Thymeleaf builds every inserted fragment anew on each render. The context's restricted mode
 * keeps the list it was built with.
 */
@Component
public class RecordPropertiesDialect extends AbstractProcessorDialect {

    /** Before th:replace (100) and every other standard attribute on the element. */
    private static final int FIRST = 0;

    public RecordPropertiesDialect() {
        super("kamiflow-record-properties", "kamiflow", FIRST);
    }

    @Override
    public Set<IProcessor> getProcessors(String dialectPrefix) {
        return Set.of(new AddAccessor());
    }

    private static final class AddAccessor extends AbstractElementTagProcessor {

        AddAccessor() {
            super(TemplateMode.HTML, null, "html", false, null, false, FIRST);
        }

        @Override
        protected void doProcess(ITemplateContext context, IProcessableElementTag tag, IElementTagStructureHandler structure) {
            Object evaluation = context.getVariable(ThymeleafEvaluationContext.THYMELEAF_EVALUATION_CONTEXT_CONTEXT_VARIABLE_NAME);
            if (evaluation instanceof StandardEvaluationContext standard
                    && !standard.getPropertyAccessors().contains(RecordProperties.INSTANCE)) {
                standard.addPropertyAccessor(RecordProperties.INSTANCE);
            }
        }
    }
}
