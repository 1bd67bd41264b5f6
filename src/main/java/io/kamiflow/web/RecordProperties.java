package io.kamiflow.web;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

import org.springframework.core.MethodParameter;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;

/**
 * Reads a component of one of kamiflow's own records in a template ({@code ${price.amount}}, {@code ${key.value}}),
 * through a method handle found once per record class. SpEL keeps in each expression the accessor that last read it,
 * but only while that accessor is in the evaluation context's list; the one Spring's reflective accessor hands out
 * never is (spring-framework#36987, fixed in 7.1), so every read looked its getter up again, in mails with caches that
 * lived for one render. This accessor is in the list itself and stays cached. Kept narrow on purpose: records of
 * {@code io.kamiflow} only, and not a component whose record also has a {@code getX()} or {@code isX()} method (the
 * reflective accessor reads those first, and still does); everything else goes the way it went.
 */
public class RecordProperties implements PropertyAccessor {

    public static final RecordProperties INSTANCE = new RecordProperties();

    private static final MethodType READ = MethodType.methodType(Object.class, Object.class);

    /** Asked on every accessor search SpEL makes, for any target: one array, not one per search. */
    private static final Class<?>[] RECORDS = {Record.class};

    private static final ClassValue<Map<String, Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected Map<String, Component> computeValue(Class<?> type) {
            return components(type);
        }
    };

    /** A component's accessor and its declared type, as Spring's accessor reports it (generics, annotations). */
    private record Component(MethodHandle accessor, TypeDescriptor type) {

        TypedValue read(Object target) throws Throwable {
            Object value = (Object) accessor.invokeExact(target);
            return new TypedValue(value, value == null || value.getClass() == type.getType() ? type : type.narrow(value));
        }
    }

    RecordProperties() { // one shared instance; a subclass only in this package's tests
    }

    /** Any record: SpEL tries accessors with a matching target class before the general ones. */
    @Override
    public Class<?>[] getSpecificTargetClasses() {
        return RECORDS;
    }

    @Override
    public boolean canRead(EvaluationContext context, Object target, String name) {
        return target != null && COMPONENTS.get(target.getClass()).containsKey(name);
    }

    @Override
    public TypedValue read(EvaluationContext context, Object target, String name) throws AccessException {
        // an expression's cached accessor is asked first, whatever the target: another type falls back to the search
        Component component = target == null ? null : COMPONENTS.get(target.getClass()).get(name);
        if (component == null) {
            throw new AccessException("not a component of a kamiflow record: " + name);
        }
        try {
            return component.read(target);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) { // a record's accessor declares no checked exception (JLS 8.10.3)
            throw new IllegalStateException("could not read " + name, e);
        }
    }

    @Override
    public boolean canWrite(EvaluationContext context, Object target, String name) {
        return false;
    }

    @Override
    public void write(EvaluationContext context, Object target, String name, Object newValue) throws AccessException {
        throw new AccessException("templates do not write properties");
    }

    private static Map<String, Component> components(Class<?> type) {
        if (!type.isRecord() || !type.getName().startsWith("io.kamiflow.")) {
            return Map.of();
        }
        Map<String, Component> found = new HashMap<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String name = component.getName();
            String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            if (publicNoArgMethod(type, "get" + capitalised) || publicNoArgMethod(type, "is" + capitalised)) {
                continue; // the reflective accessor prefers the getter: leave the property to it
            }
            Method accessor = component.getAccessor();
            accessor.setAccessible(true); // records nested in a package, as Spring's own accessor does
            try {
                found.put(name, new Component(MethodHandles.lookup().unreflect(accessor).asType(READ),
                        new TypeDescriptor(new MethodParameter(accessor, -1))));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + name, e);
            }
        }
        return Map.copyOf(found);
    }

    private static boolean publicNoArgMethod(Class<?> type, String name) {
        try {
            return Modifier.isPublic(type.getMethod(name).getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
