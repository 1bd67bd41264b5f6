package drill;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The drills' SMTP server (GreenMail, in the driver's JVM) that can go down and come back on the same port. Every
 * message is recorded as GreenMail accepts it (a stop clears GreenMail's own store, and reading the store before the
 * stop would miss a session that completes meanwhile), as key mails per order: the distinct Message-IDs
 * ({@code <orderNo.attempt@kamiflow>}), so a replayed attempt (same Message-ID) counts as the same mail.
 */
final class Sink {

    private static final Pattern KEY_MAIL = Pattern.compile("<([^.>@]+)\\.(\\d+)@kamiflow>");

    private final int port;
    private GreenMail greenMail;
    private final Map<String, Set<String>> mailsByOrder = new ConcurrentHashMap<>();

    Sink(int port) {
        this.port = port;
    }

    synchronized void start() {
        if (greenMail == null) {
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)) {
                @Override
                protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
                    Map<String, AbstractServer> services = super.createServices(config, managers);
                    Managers recording = recording(managers);
                    services.replaceAll((protocol, server) -> server instanceof SmtpServer
                            ? new SmtpServer(server.getServerSetup(), recording) : server);
                    return services;
                }
            };
            greenMail.start();
        }
    }

    /** Connections to the port are refused until {@link #start()}; what arrived so far stays counted. */
    synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    /** Distinct key mails (Message-IDs) per order number, everything accepted so far. */
    Map<String, Integer> keyMailsByOrder() {
        Map<String, Integer> counts = new HashMap<>();
        mailsByOrder.forEach((order, ids) -> counts.put(order, ids.size()));
        return counts;
    }

    private void record(MimeMessage message) {
        try {
            Matcher id = KEY_MAIL.matcher(String.valueOf(message.getMessageID()));
            if (id.matches()) {
                mailsByOrder.computeIfAbsent(id.group(1), order -> ConcurrentHashMap.newKeySet()).add(id.group(0));
                textsByOrder.computeIfAbsent(id.group(1), order -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(text(message));
            }
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // drill g: what each buyer was actually sent (the key values in the mails), the outside truth after a restore
    private final Map<String, java.util.Queue<String>> textsByOrder = new ConcurrentHashMap<>();

    /** The decoded text of every key mail accepted so far, per order number (a replayed attempt appears again). */
    Map<String, java.util.List<String>> keyMailTexts() {
        Map<String, java.util.List<String>> texts = new HashMap<>();
        textsByOrder.forEach((order, mails) -> texts.put(order, java.util.List.copyOf(mails)));
        return texts;
    }

    private static String text(jakarta.mail.Part part) throws MessagingException, java.io.IOException {
        Object content = part.getContent();
        if (content instanceof jakarta.mail.Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(text(multipart.getBodyPart(i))).append('\n');
            }
            return all.toString();
        }
        return part.isMimeType("text/*") ? String.valueOf(content) : "";
    }

    /** GreenMail's managers with an SMTP manager that records each message it is handed, then stores it as usual. */
    private Managers recording(Managers managers) {
        SmtpManager smtp = new SmtpManager(managers.getImapHostManager(), managers.getUserManager()) {
            @Override
            public synchronized void send(SmtpState state) {
                record(state.getMessage().getMessage());
                super.send(state);
            }
        };
        return new Managers() {
            @Override
            public SmtpManager getSmtpManager() {
                return smtp;
            }

            @Override
            public UserManager getUserManager() {
                return managers.getUserManager();
            }

            @Override
            public ImapHostManager getImapHostManager() {
                return managers.getImapHostManager();
            }
        };
    }
}
