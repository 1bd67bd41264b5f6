package io.kamiflow.fulfillment;

/** Shows support enough of an address to recognise it (j***@example.com), not enough to harvest it. */
public final class EmailMask {

    private EmailMask() {
    }

    public static String mask(String email) {
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
