package io.kamiflow.gateway.alipay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.kamiflow.payment.NotifyFields;

/**
 * Alipay's RSA2: SHA256withRSA, base64, over {@link NotifyFields#signedContent} for notices, over all parameters
 * but {@code sign} for requests, over the raw response object for API answers. Done with the JDK, which is
 * what the Alipay SDK does underneath; keys are the base64 (optionally PEM-wrapped) strings Alipay's console shows.
 */
final class AlipayRsa2 {

    private AlipayRsa2() {
    }

    static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(decodeKey(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("kamiflow.payment.alipay.alipay-public-key is not an RSA public key", e);
        }
    }

    static PrivateKey privateKey(String base64) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(decodeKey(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("kamiflow.payment.alipay.private-key is not a PKCS#8 RSA private key", e);
        }
    }

    /** Verifies an async notice: its signed content leaves out {@code sign} and {@code sign_type}. */
    static boolean verify(Map<String, String> fields, String sign, PublicKey key) {
        return verifyText(NotifyFields.signedContent(fields), sign, key);
    }

    /** Verifies a signature over a text as Alipay sends it (e.g. the raw JSON object of an API response). */
    static boolean verifyText(String content, String sign, PublicKey key) {
        if (content == null || sign == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(content.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getMimeDecoder().decode(sign));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Signs a request to the gateway (page pay or API call). Unlike a notice's, a request's signed content keeps
     * {@code sign_type}: every non-empty parameter but {@code sign}, sorted, as Alipay's SDK signs it.
     */
    static String signRequest(Map<String, String> request, PrivateKey key) {
        String content = new TreeMap<>(request).entrySet().stream()
                .filter(e -> !e.getKey().equals("sign"))
                .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA signing failed", e);
        }
    }

    private static byte[] decodeKey(String text) {
        return Base64.getMimeDecoder().decode(text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").strip());
    }
}
