package drill;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The drills' SMTP server (GreenMail, in the driver's JVM) that can go down and come back on the same port. It keeps
 * what it received across restarts as key mails per order: the distinct Message-IDs ({@code <orderNo.attempt@kamiflow>}),
 * so a replayed attempt (same Message-ID) counts as the same mail.
 */
final class Sink {

    private static final Pattern KEY_MAIL = Pattern.compile("<([^.>@]+)\\.(\\d+)@kamiflow>");

    private final int port;
    private GreenMail greenMail;
    private final Map<String, Set<String>> mailsByOrder = new HashMap<>();

    Sink(int port) {
        this.port = port;
    }

    synchronized void start() {
        if (greenMail == null) {
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
        }
    }

    /** Connections to the port are refused until {@link #start()}; what arrived so far is kept. */
    synchronized void stop() {
        if (greenMail != null) {
            harvest();
            greenMail.stop();
            greenMail = null;
        }
    }

    /** Distinct key mails (Message-IDs) per order number, everything received so far. */
    synchronized Map<String, Integer> keyMailsByOrder() {
        harvest();
        Map<String, Integer> counts = new HashMap<>();
        mailsByOrder.forEach((order, ids) -> counts.put(order, ids.size()));
        return counts;
    }

    private void harvest() {
        if (greenMail == null) {
            return;
        }
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            try {
                Matcher id = KEY_MAIL.matcher(String.valueOf(message.getMessageID()));
                if (id.matches()) {
                    mailsByOrder.computeIfAbsent(id.group(1), order -> new HashSet<>()).add(id.group(0));
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
