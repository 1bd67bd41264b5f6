package io.kamiflow.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;

/** One real SMTP server (GreenMail) per test JVM, on a fixed free port so it can be stopped and started again. */
public final class TestMail {

    private static GreenMail greenMail;
    private static int port;
    private static boolean stopped;

    private TestMail() {
    }

    public static synchronized GreenMail get() {
        if (greenMail == null) {
            port = freePort();
            greenMail = new GreenMail(setup());
            greenMail.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> greenMail.stop()));
        }
        return greenMail;
    }

    /** Simulates the mail server going down: connections to its port are refused until {@link #start()}. */
    public static synchronized void stop() {
        get().stop();
        stopped = true;
    }

    /**
     * Starts the server again on the same port. A bind can still lose a race with a socket of the stopped server
     * or of a fake on the port, so a failed start is retried a few times before the test fails.
     */
    public static synchronized void start() {
        if (!stopped) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            greenMail = new GreenMail(setup());
            try {
                greenMail.start();
                stopped = false;
                return;
            } catch (IllegalStateException e) {
                greenMail.stop();
                if (attempt == 3) {
                    throw e;
                }
                sleep(1000L * attempt);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GreenMail gives its server 2 s to start by default: too little on a loaded 2-core CI machine (seen failing). */
    private static ServerSetup setup() {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(15_000);
        return setup;
    }

    public static int port() {
        get();
        return port;
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): while the server is stopped, an outgoing connection of
     * the application (to PostgreSQL, or the mailer's own retry to this very port, which TCP can connect to itself)
     * could otherwise be given this port as its local one and keep the server from binding it again.
     */
    private static int freePort() {
        Random random = new Random();
        for (int i = 0; i < 200; i++) {
            int candidate = 20_000 + random.nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port for the test mail server between 20000 and 32000");
    }

    /**
     * The decoded text of a buyer mail's one part of {@code type} ({@code text/plain} or {@code text/html}); fails
     * unless the mail is a multipart/alternative with exactly one part of that type.
     */
    public static String part(Part mail, String type) throws MessagingException, IOException {
        List<String> found = new ArrayList<>();
        boolean[] alternative = new boolean[1];
        collect(mail, type, found, alternative);
        if (!alternative[0] || found.size() != 1) {
            throw new AssertionError("expected a multipart/alternative with one " + type + " part, found " + found.size()
                    + (alternative[0] ? "" : " and no multipart/alternative"));
        }
        return found.get(0);
    }

    private static void collect(Part part, String type, List<String> found, boolean[] alternative)
            throws MessagingException, IOException {
        if (part.isMimeType(type)) {
            found.add((String) part.getContent());
        } else if (part.getContent() instanceof Multipart multipart) {
            alternative[0] |= part.isMimeType("multipart/alternative");
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), type, found, alternative);
            }
        }
    }
}
