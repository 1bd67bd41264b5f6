package io.kamiflow.security.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.catalina.util.NetMask;
import org.springframework.stereotype.Component;

/**
 * Client addresses the buyer limits and the reservation cap do not apply to: in the dev default loopback, i.e. tools
 * the operator runs on the host itself; in the prod profile nobody. A proxy in front must send X-Forwarded-For (and be
 * named in server.tomcat.remoteip.internal-proxies), or every buyer would look like the proxy.
 */
@Component
public class ExemptAddresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<NetMask> masks;

    ExemptAddresses(RateLimitProperties properties) {
        this.masks = properties.getExemptAddresses().stream().map(String::strip).filter(mask -> !mask.isEmpty())
                .map(NetMask::new).toList();
    }

    public boolean isExempt(String address) {
        InetAddress parsed = literal(address);
        return parsed != null && masks.stream().anyMatch(mask -> mask.matches(parsed));
    }

    /** Only IP literals: anything else (a forwarded header may hold any text) must never trigger a DNS lookup. */
    private static InetAddress literal(String address) {
        if (address == null || !(IPV4.matcher(address).matches() || address.indexOf(':') >= 0)) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
