package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.gateway.epay.EpayProperties;
import io.kamiflow.gateway.stripe.StripeProperties;
import io.kamiflow.gateway.wechat.WechatProperties;
import org.junit.jupiter.api.Test;

/**
 * A channel that is off names the settings it lacks by property name (the channels page lists them), never a value.
 * The integration tests configure every channel, so this is where an off one is seen.
 */
class ChannelSettingsTest {

    @Test
    void anOffChannelNamesItsMissingSettingsAndAnOnOneNone() {
        EpayProperties epay = new EpayProperties("1001", " ", null, null, null, null);
        assertThat(epay.enabled()).isFalse();
        assertThat(epay.missing()).containsExactly("kamiflow.payment.epay.key");

        WechatProperties wechat = new WechatProperties("1900000001", null, "secret-v3-key", null, "PUB", null, null,
                null, null, 300);
        assertThat(wechat.missing()).containsExactly("kamiflow.payment.wechat.app-id", "kamiflow.payment.wechat.public-key")
                .noneMatch(name -> name.contains("secret-v3-key"));

        StripeProperties stripe = new StripeProperties("whsec_x", null, null, null, null, 300);
        assertThat(stripe.enabled()).isTrue();
        assertThat(stripe.missing()).isEmpty();
    }
}
