package io.kamiflow.support;

import java.io.IOException;
import java.net.ServerSocket;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** One real SMTP server (GreenMail) per test JVM, on a fixed free port so it can be stopped and started again. */
public final class TestMail {

    private static GreenMail greenMail;
    private static int port;

    private TestMail() {
    }

    public static synchronized GreenMail get() {
        if (greenMail == null) {
            port = freePort();
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> greenMail.stop()));
        }
        return greenMail;
    }

    public static int port() {
        get();
        return port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
