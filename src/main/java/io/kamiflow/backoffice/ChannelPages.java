package io.kamiflow.backoffice;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.kamiflow.ops.metrics.ShopMetrics;
import io.kamiflow.payment.PaymentChannel;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The owner's view of the payment channels: which are on, the notify URL to paste into each gateway's console (under
 * the shop's public base URL, as order links are), the last payment each brought, and this node's callback counts
 * since it started (counters live per node; no callback is stored). A channel that is off names the settings it lacks
 * by property name. No setting's value is ever read here, secrets least of all.
 */
@Controller
class ChannelPages {

    /** One channel as the page shows it. */
    record ChannelView(String id, boolean enabled, String notifyUrl, List<String> missing, OffsetDateTime lastPayment,
                       long paymentsToday, Map<String, Long> callbacks) {
        public long rejected() {
            return callbacks.entrySet().stream().filter(e -> e.getKey().startsWith("rejected"))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    private final List<PaymentChannel> channels;
    private final SalesFigures figures;
    private final ShopMetrics metrics;
    private final String baseUrl;
    private final ZoneId zone;
    private final Clock clock = Clock.systemUTC();

    ChannelPages(List<PaymentChannel> channels, SalesFigures figures, ShopMetrics metrics,
                 @Value("${kamiflow.storefront.base-url:http://localhost:8080}") String baseUrl, BackOfficeSettings settings) {
        this.channels = channels;
        this.figures = figures;
        this.metrics = metrics;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.zone = settings.zone();
    }

    @GetMapping("/admin/channels")
    String channels(Model model, Authentication user) {
        model.addAttribute("user", user.getName());
        model.addAttribute("zone", zone);
        model.addAttribute("baseUrl", baseUrl);
        model.addAttribute("channels", views());
        return "admin/channels";
    }

    List<ChannelView> views() {
        Map<String, SalesFigures.ChannelActivity> activity = figures.channels(clock.instant()).stream()
                .collect(Collectors.toMap(SalesFigures.ChannelActivity::channel, Function.identity()));
        return channels.stream().sorted(java.util.Comparator.comparing(PaymentChannel::id)).map(channel -> {
            SalesFigures.ChannelActivity last = activity.get(channel.id());
            return new ChannelView(channel.id(), channel.enabled(), baseUrl + channel.notifyPath(),
                    channel.enabled() ? List.of() : channel.missingSettings(),
                    last == null ? null : last.lastPayment(), last == null ? 0 : last.paymentsToday(),
                    metrics.callbackCounts(channel.id()));
        }).toList();
    }
}
