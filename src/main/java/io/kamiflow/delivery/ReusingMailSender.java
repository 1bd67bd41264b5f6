package io.kamiflow.delivery;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Spring's mail sender, keeping a few SMTP connections open between mails instead of one connect, EHLO and QUIT
 * per mail (a real MTA, like Postfix's connection cache, does the same). Spring's own send logic is unchanged: it
 * asks for a connected transport and closes it after the send; here "close" puts a healthy connection back.
 * <ul>
 * <li>At most {@code maxIdle} connections wait; one older than {@code maxAge} is closed instead of reused.</li>
 * <li>A connection idle longer than {@link #CHECK_AFTER_IDLE} is checked with NOOP before it is reused.</li>
 * <li>A connection a send failed on is closed, never reused. When the server had dropped a reused connection
 * (the socket failed, not a timeout and not an SMTP answer; or it hit end of stream where the answer to MAIL FROM
 * or DATA was due, before any content went out), the mail goes once more on a fresh connection: the server never
 * had it. Any other failure reaches the caller as before (MailFailures tells which).</li>
 * </ul>
 */
class ReusingMailSender extends JavaMailSenderImpl implements DisposableBean {

    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(2);

    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final int maxIdle;
    private final long maxAgeNanos;
    private final Counter opened;
    private volatile boolean closed;

    ReusingMailSender(int maxIdle, Duration maxAge, MeterRegistry registry) {
        this.maxIdle = maxIdle;
        this.maxAgeNanos = maxAge.toNanos();
        this.opened = Counter.builder("kamiflow.mail.connections.opened")
                .description("SMTP connections opened (mails per connection = mail attempts / this)").register(registry);
    }

    @Override
    protected Transport connectTransport() throws MessagingException {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (connection.stillGood()) {
                return new Lease(getSession(), connection);
            }
            connection.closeQuietly();
        }
        return new Lease(getSession(), open());
    }

    private Connection open() throws MessagingException {
        Transport transport = super.connectTransport();
        opened.increment();
        return new Connection(transport);
    }

    private void giveBack(Connection connection) {
        if (!closed && System.nanoTime() - connection.openedAt < maxAgeNanos) {
            if (idleCount.incrementAndGet() <= maxIdle) {
                connection.reused = true; // a failure on it may be the server having dropped it meanwhile
                connection.lastUsed = System.nanoTime();
                idle.offerFirst(connection);
                return;
            }
            idleCount.decrementAndGet();
        }
        connection.closeQuietly();
    }

    @Override
    public void destroy() {
        closed = true;
        closeIdle();
    }

    /** Closes the connections waiting for a mail; those sending now go back to the pool as before. */
    void closeIdle() {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            connection.closeQuietly();
        }
    }

    /** The server dropped the connection before taking anything: no SMTP answer, no timeout, a socket failure. */
    static boolean isDroppedConnection(MessagingException failure) {
        boolean socketFailed = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SMTPSendFailedException sent && sent.getReturnCode() == -1) {
                // -1: the socket hit EOF where an answer was due. Safe to repeat only before the content went out.
                return beforeContent(sent.getCommand());
            }
            if (t instanceof SMTPSendFailedException || t instanceof SMTPAddressFailedException
                    || t instanceof SocketTimeoutException) {
                return false;
            }
            socketFailed |= t instanceof IOException;
        }
        return socketFailed;
    }

    private static boolean beforeContent(String command) {
        String upper = command == null ? "" : command.toUpperCase(Locale.ROOT);
        return upper.startsWith("MAIL FROM") || upper.equals("DATA");
    }

    private final class Connection {

        final Transport transport;
        final long openedAt = System.nanoTime();
        long lastUsed = openedAt;
        boolean reused;

        Connection(Transport transport) {
            this.transport = transport;
        }

        boolean stillGood() {
            long now = System.nanoTime();
            if (now - openedAt >= maxAgeNanos) {
                return false;
            }
            return now - lastUsed < CHECK_AFTER_IDLE.toNanos() || transport.isConnected(); // isConnected sends NOOP
        }

        void closeQuietly() {
            try {
                transport.close();
            } catch (MessagingException | RuntimeException e) {
                // the connection is gone either way
            }
        }
    }

    /** What Spring's send loop holds: sends on the connection, and "closing" it gives a healthy one back. */
    private final class Lease extends Transport {

        private Connection connection;
        private boolean failed;
        private boolean released;

        Lease(Session session, Connection connection) {
            super(session, connection.transport.getURLName());
            this.connection = connection;
        }

        @Override
        public void sendMessage(Message message, Address[] addresses) throws MessagingException {
            try {
                connection.transport.sendMessage(message, addresses);
            } catch (MessagingException | IllegalStateException e) { // IllegalState: the transport saw it closed
                if (!connection.reused || e instanceof MessagingException m && !isDroppedConnection(m)) {
                    failed = true;
                    throw e;
                }
                connection.closeQuietly();
                connection = open();
                try {
                    connection.transport.sendMessage(message, addresses);
                } catch (MessagingException again) {
                    failed = true;
                    throw again;
                }
            }
            connection.reused = true; // from now on a failure may be a dropped connection again
        }

        @Override
        public synchronized boolean isConnected() {
            return !released && !failed;
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            if (failed) {
                connection.closeQuietly();
            } else {
                giveBack(connection);
            }
        }
    }
}
