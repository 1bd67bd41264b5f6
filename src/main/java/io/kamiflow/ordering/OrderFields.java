package io.kamiflow.ordering;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the buyer of a hand-fulfilled product filled in at checkout (an account, a phone number): personal data,
 * shown to support in the Fulfil by hand task and erased with the buyer's email (privacy.PersonalDataRetention).
 */
@Repository
public class OrderFields {

    private final JdbcClient jdbc;

    OrderFields(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void store(long orderId, Map<String, String> fields) {
        fields.forEach((key, value) -> jdbc.sql("INSERT INTO order_field (order_id, field_key, value) VALUES (?, ?, ?)")
                .params(orderId, key, value).update());
    }

    /** The order's fields by key, in the order the product defines them when read with it; empty once erased. */
    public Map<String, String> of(long orderId) {
        Map<String, String> fields = new LinkedHashMap<>();
        jdbc.sql("SELECT field_key, value FROM order_field WHERE order_id = ? ORDER BY field_key").param(orderId)
                .query((org.springframework.jdbc.core.RowCallbackHandler) rs ->
                        fields.put(rs.getString("field_key"), rs.getString("value")));
        return fields;
    }
}
