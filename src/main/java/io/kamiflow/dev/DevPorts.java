package io.kamiflow.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * Lets a second kamiflow run on the embedded default on the same machine: when the dev mail sink's port
 * ({@code spring.mail.port}, 3025) or the management port ({@code management.server.port}, 8081) is taken, this
 * instance takes a free one instead (the banner prints them). The shop's own port is the one a person types, so a
 * taken {@code server.port} stops the start with a sentence that says which property moves it.
 */
public class DevPorts implements EnvironmentPostProcessor {

    static final String SOURCE = "kamiflowDevPorts";

    private final Log log;

    public DevPorts(DeferredLogFactory logs) {
        this.log = logs.getLog(DevPorts.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("kamiflow.dev.enabled", Boolean.class, false) || env.acceptsProfiles(Profiles.of("prod"))) {
            return;
        }
        int server = env.getProperty("server.port", Integer.class, 8080);
        if (server > 0 && !free(server)) {
            throw new PortTakenException(server, "server.port");
        }
        Map<String, Object> moved = new LinkedHashMap<>();
        for (String property : new String[] {"spring.mail.port", "management.server.port"}) {
            Integer port = env.getProperty(property, Integer.class);
            if (port != null && port > 0 && !free(port)) {
                int other = anyFreePort();
                moved.put(property, other);
                log.warn(property + " " + port + " is taken (another kamiflow?); this instance uses " + other);
            }
        }
        if (!moved.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource(SOURCE, moved));
        }
    }

    /** Whether a server may listen on {@code port} of any address (Tomcat does) right now. */
    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress((InetAddress) null, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on loopback for the dev mail sink or management", e);
        }
    }

    /** A port the person must choose: what is taken and which property moves it. */
    static class PortTakenException extends RuntimeException {

        PortTakenException(int port, String property) {
            super("port " + port + " (" + property + ") is taken, probably by another kamiflow or another program; "
                    + "start this one on another port with --" + property + "=" + (port + 10)
                    + " (the dev mail sink and the management port move by themselves)");
        }
    }
}
