package io.kamiflow.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SMTP servers GreenMail cannot play, on a loopback port: one that accepts connections and never says a word
 * (the client waits for its read timeout), and one that speaks SMTP but answers the end of DATA only after a delay,
 * as a slow or overloaded relay does. It keeps the recipients of every message whose content arrived in full: a real
 * relay delivers such a message even when the client gave up waiting for the answer.
 */
public final class FakeSmtp implements AutoCloseable {

    private final ServerSocket server;
    private final Duration dataDelay; // null: silent
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<String> arrived = new CopyOnWriteArrayList<>();
    private final List<String> messageIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepts = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    private FakeSmtp(Duration dataDelay) throws IOException {
        this(dataDelay, 0);
    }

    private FakeSmtp(Duration dataDelay, int port) throws IOException {
        this.dataDelay = dataDelay;
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        Thread acceptor = new Thread(this::acceptLoop, "fake-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts connections and never answers, not even the greeting. */
    public static FakeSmtp silent() throws IOException {
        return new FakeSmtp(null);
    }

    /**
     * Silent on a given port, e.g. {@link TestMail#port()} after {@link TestMail#stop()}: the shared application's mail
     * server falls silent without a restart.
     */
    public static FakeSmtp silentOn(int port) throws IOException {
        return new FakeSmtp(null, port);
    }

    /** Speaks SMTP, and answers the end of each message's DATA {@code delay} after it arrived. */
    public static FakeSmtp answeringDataAfter(Duration delay) throws IOException {
        return new FakeSmtp(delay);
    }

    /** As {@link #answeringDataAfter}, on a given port, e.g. {@link TestMail#port()} after {@link TestMail#stop()}. */
    public static FakeSmtp answeringDataAfterOn(int port, Duration delay) throws IOException {
        return new FakeSmtp(delay, port);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepts.get();
    }

    /** Messages for {@code recipient} whose content arrived in full (answered yet or not). */
    public long arrivedFor(String recipient) {
        return arrived.stream().filter(recipient::equalsIgnoreCase).count();
    }

    /** Messages whose content arrived in full, to anyone. */
    public int arrived() {
        return arrived.size();
    }

    /** The Message-ID of each message whose content arrived, in arrival order. */
    public List<String> messageIds() {
        return List.copyOf(messageIds);
    }

    /** Messages answered 250 (after the delay). */
    public int answered() {
        return answered.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                if (server.isClosed()) {
                    // close() ran between accept and add and missed it: a session left running would keep answering
                    // on a pooled connection of the app, as a relay nobody stops (seen in CI: mails went there)
                    socket.close();
                    return;
                }
                accepts.incrementAndGet();
                if (dataDelay != null) {
                    Thread session = new Thread(() -> converse(socket), "fake-smtp-session");
                    session.setDaemon(true);
                    session.start();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            say(out, "220 fake-smtp ready");
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    say(out, "250 fake-smtp");
                } else if (command.startsWith("MAIL FROM")) {
                    recipients.clear();
                    say(out, "250 OK");
                } else if (command.startsWith("RCPT TO")) {
                    recipients.add(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>')));
                    say(out, "250 OK");
                } else if (command.equals("DATA")) {
                    say(out, "354 end with <CRLF>.<CRLF>");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                            messageIds.add(line.substring(11).strip());
                        }
                    }
                    if (line == null) {
                        return; // the client gave up mid-message: nothing was accepted
                    }
                    arrived.addAll(recipients);
                    Thread.sleep(dataDelay.toMillis());
                    say(out, "250 OK queued");
                    answered.incrementAndGet();
                } else if (command.equals("QUIT")) {
                    say(out, "221 bye");
                    return;
                } else if (command.equals("RSET") || command.equals("NOOP")) {
                    say(out, "250 OK");
                } else {
                    say(out, "502 not implemented");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client or close() ended the connection
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
