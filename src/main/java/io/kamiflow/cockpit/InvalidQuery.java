package io.kamiflow.cockpit;

/** A client error in the plugin's query parameters; the message is the problem's detail. */
public class InvalidQuery extends RuntimeException {

    InvalidQuery(String detail) {
        super(detail);
    }
}
