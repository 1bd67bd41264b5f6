package io.kamiflow.support;

import java.io.IOException;
import java.net.ServerSocket;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

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

    public static synchronized void start() {
        if (stopped) {
            greenMail = new GreenMail(setup());
            greenMail.start();
            stopped = false;
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
