package io.kamiflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.StringTemplateResolver;

/**
 * Templates read kamiflow's records through {@link RecordProperties}, found once per expression instead of on every
 * read, with the same values as before; pages get it from {@link RecordPropertiesDialect} as their html element opens.
 */
class RecordPropertiesTest {

    record Price(String amount, String coupon) {
    }

    record Line(String name, Price price) {
    }

    record Listing(List<String> names) {
    }

    record WithGetter(String name) {
        public String getName() {
            return "from the getter";
        }
    }

    /** Counts how often SpEL asks it, so a test sees whether an expression kept it. */
    static final class Counting extends RecordProperties {
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public boolean canRead(EvaluationContext context, Object target, String name) {
            asked.incrementAndGet();
            return super.canRead(context, target, name);
        }
    }

    /** Spring's reflective accessor, counting its searches and the accessors it hands out. */
    static final class CountingReflective extends ReflectivePropertyAccessor {
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger handedOut = new AtomicInteger();

        CountingReflective() {
            super(false);
        }

        @Override
        public boolean canRead(EvaluationContext context, Object target, String name) throws AccessException {
            asked.incrementAndGet();
            return super.canRead(context, target, name);
        }

        @Override
        public PropertyAccessor createOptimalAccessor(EvaluationContext context, Object target, String name) {
            handedOut.incrementAndGet();
            return super.createOptimalAccessor(context, target, name);
        }
    }

    private final SpelExpressionParser parser = new SpelExpressionParser();

    @Test
    void anExpressionFindsTheComponentOnceAndReadsItThroughTheAccessorEveryTimeAfter() {
        Counting records = new Counting();
        CountingReflective reflective = new CountingReflective();
        StandardEvaluationContext context = new StandardEvaluationContext();
        context.setPropertyAccessors(new ArrayList<>(List.of(reflective)));
        context.addPropertyAccessor(records); // before the reflective one, as the dialect adds it
        Expression amount = parser.parseExpression("price.amount");

        for (int i = 0; i < 50; i++) {
            Line line = new Line("game", new Price(i + ".00", null));
            assertThat(amount.getValue(context, line)).isEqualTo(i + ".00");
        }

        assertThat(records.asked).as("once for price, once for amount").hasValue(2);
        assertThat(reflective.asked).as("the reflective accessor is never searched for a record's component").hasValue(0);
    }

    @Test
    void withoutItSpringsReflectiveAccessorIsSearchedOnEveryRead() {
        // what RecordProperties works around (spring-framework#36987): should this fail, Spring keeps its accessor
        // again, and RecordProperties can go
        CountingReflective reflective = new CountingReflective();
        StandardEvaluationContext context = new StandardEvaluationContext();
        context.setPropertyAccessors(new ArrayList<>(List.of(reflective)));
        Expression amount = parser.parseExpression("price.amount");

        for (int i = 0; i < 50; i++) {
            assertThat(amount.getValue(context, new Line("game", new Price(i + ".00", null)))).isEqualTo(i + ".00");
        }

        assertThat(reflective.handedOut).hasValue(100);
    }

    @Test
    void aGetterStillWinsOverTheComponentAndOtherTypesAreLeftAlone() throws AccessException {
        RecordProperties records = RecordProperties.INSTANCE;
        StandardEvaluationContext context = new StandardEvaluationContext();
        context.setPropertyAccessors(new ArrayList<>(List.of(new ReflectivePropertyAccessor(false))));
        context.addPropertyAccessor(records);

        assertThat(parser.parseExpression("name").getValue(context, new WithGetter("component"))).isEqualTo("from the getter");
        assertThat(records.canRead(context, new WithGetter("component"), "name")).isFalse();
        assertThat(records.canRead(context, new Price("1.00", null), "amount")).isTrue();
        assertThat(records.canRead(context, new Price("1.00", null), "discount")).isFalse();
        assertThat(records.canRead(context, "a string", "bytes")).isFalse();
        assertThat(records.canRead(context, Map.of("amount", "1"), "amount")).isFalse();
        assertThat(records.canRead(context, null, "amount")).isFalse();
        assertThat(records.canWrite(context, new Price("1.00", null), "amount")).isFalse();
        // an expression asks its cached accessor first, whatever the target: another type is refused, not misread
        assertThatThrownBy(() -> records.read(context, new WithGetter("x"), "amount")).isInstanceOf(AccessException.class);
        assertThat(records.read(context, new Price("2.50", null), "coupon").getValue()).isNull();
        // the component's declared type, generics included, as Spring's reflective accessor reports it
        assertThat(records.read(context, new Listing(List.of("a")), "names").getTypeDescriptor().getElementTypeDescriptor())
                .isEqualTo(org.springframework.core.convert.TypeDescriptor.valueOf(String.class));
    }

    @Test
    void aPageGetsTheAccessorWhenItsHtmlElementOpensAndReadsItsRecordsThroughIt() {
        CountingReflective reflective = new CountingReflective();
        String page = render(true, reflective);

        assertThat(page).isEqualTo("<html><body><ul><li>game 1.00</li><li>card 2.00</li><li>gift 3.00</li></ul></body></html>");
        assertThat(reflective.asked).as("no record's component searched by reflection").hasValue(0);

        CountingReflective without = new CountingReflective();
        assertThat(render(false, without)).isEqualTo(page);
        assertThat(without.asked).as("the same page without the dialect").hasValueGreaterThan(0);
    }

    private static String render(boolean withDialect, CountingReflective reflective) {
        SpringTemplateEngine engine = new SpringTemplateEngine();
        StringTemplateResolver templates = new StringTemplateResolver();
        templates.setTemplateMode(TemplateMode.HTML);
        engine.setTemplateResolver(templates);
        if (withDialect) {
            engine.addDialect(new RecordPropertiesDialect());
        }
        // as Spring's Thymeleaf view makes it for every render, its reflective accessor swapped for the counting one
        ThymeleafEvaluationContext evaluation = new ThymeleafEvaluationContext(new StaticApplicationContext(), null);
        List<PropertyAccessor> accessors = new ArrayList<>(evaluation.getPropertyAccessors());
        accessors.replaceAll(accessor -> accessor instanceof ReflectivePropertyAccessor ? reflective : accessor);
        evaluation.setPropertyAccessors(accessors);
        Context context = new Context();
        context.setVariable(ThymeleafEvaluationContext.THYMELEAF_EVALUATION_CONTEXT_CONTEXT_VARIABLE_NAME, evaluation);
        context.setVariable("lines", List.of(new Line("game", new Price("1.00", null)),
                new Line("card", new Price("2.00", null)), new Line("gift", new Price("3.00", null))));
        return engine.process("<html><body><ul><li th:each=\"line : ${lines}\" th:text=\"${line.name} + ' ' + ${line.price.amount}\">"
                + "x</li></ul></body></html>", context);
    }
}
