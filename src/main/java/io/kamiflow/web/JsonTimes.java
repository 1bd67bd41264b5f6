package io.kamiflow.web;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One timestamp format in every API answer: ISO-8601 in UTC with {@code Z} and milliseconds, always the same length
 * ({@code 2026-12-05T10:38:16.123Z}), whatever the database session's or the JVM's zone. Answers that carry a time as
 * text use {@link #text}; time types in an answer's record are written the same way by the module registered here.
 */
@Configuration
public class JsonTimes {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public static String text(Instant instant) {
        return instant == null ? null : FORMAT.format(instant);
    }

    public static String text(OffsetDateTime time) {
        return time == null ? null : text(time.toInstant());
    }

    public static String text(Date date) {
        return date == null ? null : text(date.toInstant());
    }

    @Bean
    Jackson2ObjectMapperBuilderCustomizer oneTimestampFormat() {
        SimpleModule module = new SimpleModule("kamiflow-times");
        module.addSerializer(Instant.class, writer(JsonTimes::text));
        module.addSerializer(OffsetDateTime.class, writer(JsonTimes::text));
        module.addSerializer(ZonedDateTime.class, writer(time -> text(time.toInstant())));
        module.addSerializer(Date.class, writer(JsonTimes::text));
        return builder -> builder.modulesToInstall(module);
    }

    private interface Format<T> {
        String text(T value);
    }

    private static <T> JsonSerializer<T> writer(Format<T> format) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator json, SerializerProvider provider) throws IOException {
                json.writeString(format.text(value));
            }
        };
    }
}
