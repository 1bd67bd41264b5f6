package io.kamiflow.payment;

import java.net.http.HttpClient;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** The HTTP client of channels that call their gateway's API themselves (no SDK): JDK client, bounded, no retries. */
public final class GatewayHttp {

    private GatewayHttp() {
    }

    /**
     * The JDK client sends a request once (it repeats only an idempotent request on a connection that broke before any
     * answer); its request timeout bounds the wait for the answer's headers, connect timeout the connection.
     */
    public static RestClient restClient(GatewayTimeouts timeouts) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(timeouts.connectTimeout()).build());
        requests.setReadTimeout(timeouts.readTimeout());
        return RestClient.builder().requestFactory(requests).build();
    }
}
