package io.kamiflow.calls;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/** How many calls over the network (gateways, SMTP) a node makes at once; each thread counts in the connection pool. */
@Component
@ConfigurationProperties("kamiflow.remote-calls")
public class RemoteCallSettings {

    private int threads = 4;

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }
}
