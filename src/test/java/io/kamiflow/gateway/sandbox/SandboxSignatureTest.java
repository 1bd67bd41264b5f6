package io.kamiflow.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class SandboxSignatureTest {

    private static final Map<String, String> FIELDS = Map.of("tradeNo", "T1", "orderNo", "O1", "amount", "12.50",
            "currency", "CNY", "status", "PAID", "timestamp", "1700000000", "sign", "ignored");

    @Test
    void canonicalFormSortsByNameAndLeavesOutSign() {
        assertThat(SandboxSignature.canonical(FIELDS))
                .isEqualTo("amount=12.50&currency=CNY&orderNo=O1&status=PAID&timestamp=1700000000&tradeNo=T1");
    }

    @Test
    void signatureIsLowercaseHexHmacSha256OfTheCanonicalForm() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(
                "amount=12.50&currency=CNY&orderNo=O1&status=PAID&timestamp=1700000000&tradeNo=T1".getBytes(StandardCharsets.UTF_8)));
        assertThat(SandboxSignature.sign(FIELDS, "s3cret")).isEqualTo(expected).matches("[0-9a-f]{64}");
        assertThat(SandboxSignature.verify(FIELDS, expected, "s3cret")).isTrue();
        assertThat(SandboxSignature.verify(FIELDS, expected.toUpperCase(), "s3cret")).isFalse();
        assertThat(SandboxSignature.verify(FIELDS, expected, "other")).isFalse();
        assertThat(SandboxSignature.verify(FIELDS, null, "s3cret")).isFalse();
    }
}
