package io.kamiflow.gateway.epay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EpaySignatureTest {

    // md5("money=1.00&name=VIP&out_trade_no=K1&pid=1001&trade_no=T1&trade_status=TRADE_SUCCESS&type=alipaysecret")
    private static final String EXPECTED = "4cfe22cd81cc15e3d120aaf65e0ae948";
    private static final Map<String, String> FIELDS = Map.of("pid", "1001", "trade_no", "T1", "out_trade_no", "K1",
            "type", "alipay", "name", "VIP", "money", "1.00", "trade_status", "TRADE_SUCCESS", "param", "",
            "sign", "ignored", "sign_type", "MD5");

    @Test
    void md5OfSortedNonEmptyFieldsWithoutSignAndKeyAppended() {
        assertThat(EpaySignature.sign(FIELDS, "secret")).isEqualTo(EXPECTED);
        assertThat(EpaySignature.verify(FIELDS, EXPECTED, "secret")).isTrue();
        assertThat(EpaySignature.verify(FIELDS, EXPECTED, "other")).isFalse();
        assertThat(EpaySignature.verify(FIELDS, null, "secret")).isFalse();
    }

    @Test
    void disabledWithoutSettings() {
        EpayNotifyController disabled = new EpayNotifyController(new EpayProperties(null, null, null, null, null, null), null);
        assertThat(disabled.notify(new org.springframework.util.LinkedMultiValueMap<>()).getStatusCode().value()).isEqualTo(404);
    }
}
