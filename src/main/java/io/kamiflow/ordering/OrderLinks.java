package io.kamiflow.ordering;

import java.nio.charset.StandardCharsets;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/** The link to an order's page with its access token: what the buyer bookmarks and what the key mail carries. */
@Component
public class OrderLinks {

    private final AccessTokens tokens;
    private final String baseUrl;

    OrderLinks(AccessTokens tokens, @Value("${kamiflow.storefront.base-url:http://localhost:8080}") String baseUrl) {
        this.tokens = tokens;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    /**
     * The path and query, for links within the shop. Encoded as UriComponentsBuilder would (same rules, Spring's
     * UriUtils) without parsing a template per link: one per key mail and storefront checkout.
     */
    public static String path(String orderNo, String token) {
        return "/orders/" + UriUtils.encodePathSegment(orderNo, StandardCharsets.UTF_8) + "?token="
                + UriUtils.encodeQueryParam(token, StandardCharsets.UTF_8);
    }

    /** The absolute link under kamiflow.storefront.base-url, for mails. */
    public String absolute(String orderNo) {
        return baseUrl + path(orderNo, tokens.tokenFor(orderNo));
    }
}
