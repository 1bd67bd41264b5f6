package io.kamiflow.delivery;

import java.util.regex.Pattern;

import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;

/**
 * Tells a failure that another try may cure (server down, timeout, 4xx) from one it cannot
 * (address rejected with 5xx, address invalid): the latter skips the remaining retries.
 */
final class MailFailures {

    /**
     * A word with an @ in it, valid address or not: servers echo the refused recipient, Spring and Jakarta Mail quote
     * the server and the address they could not parse.
     */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\],;:\"'`]*@[^\\s<>()\\[\\],;:\"'`]*");

    private MailFailures() {
    }

    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // Spring reports a message the server refused in the exception's failed messages, not as its cause
            if (t instanceof MailSendException send) {
                for (Exception perMessage : send.getMessageExceptions()) {
                    if (perMessage != t && isPermanent(perMessage)) {
                        return true;
                    }
                }
            }
            if (t instanceof SMTPAddressFailedException rejected) {
                return rejected.getReturnCode() >= 500;
            }
            if (t instanceof SMTPSendFailedException refused) {
                return refused.getReturnCode() >= 500;
            }
            if (t instanceof AddressException || t instanceof MailParseException || t instanceof MailPreparationException) {
                return true;
            }
            if (t instanceof SendFailedException sendFailed && sendFailed.getInvalidAddresses() != null
                    && sendFailed.getInvalidAddresses().length > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A one-line reason for ops and support: exception types and messages, never the mail's content and no address
     * (it goes into delivery_attempt.error, the log and the Manual delivery form's variable; the attempt's recipient
     * column says where the mail went).
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String text = failure.getClass().getSimpleName() + ": " + failure.getMessage()
                + (root == failure ? "" : " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
        text = ADDRESS.matcher(text.replaceAll("[\\r\\n\\t]+", " ")).replaceAll("(address)");
        return text.length() <= 500 ? text : text.substring(0, 500);
    }
}
