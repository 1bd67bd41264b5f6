package io.kamiflow.web;

/** What every server-rendered page (storefront and back office) allows itself, as one Content-Security-Policy. */
public final class PagePolicy {

    /** Pages and their assets; no inline script or style; images may be data: URIs (QR codes, previews). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private PagePolicy() {
    }
}
