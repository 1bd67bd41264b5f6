package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.IntegrationTest;
import jakarta.mail.util.StreamProvider;
import org.junit.jupiter.api.Test;

/** Jakarta Mail finds its StreamProvider by name, not by a ServiceLoader scan per message part. */
class MailStreamProviderSettingTest extends IntegrationTest {

    @Test
    void theStreamProviderIsNamedAndLoadable() {
        assertThat(System.getProperty(MailStreamProviderSetting.PROPERTY)).isEqualTo(MailStreamProviderSetting.ANGUS);
        assertThat(StreamProvider.provider().getClass().getName()).isEqualTo(MailStreamProviderSetting.ANGUS);
    }
}
