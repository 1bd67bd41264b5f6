package io.kamiflow.storefront;

import java.time.Duration;
import java.util.Optional;

import io.kamiflow.catalog.ShopImages;
import io.kamiflow.catalog.StoredImages;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The images buyers see, from the database. A URL with the image's current version ({@code ?v=}, which every page
 * links with) names bytes that never change, so it is cached for a year; without it, or with an old version, briefly.
 * The strong ETag is the image's SHA-256, so a revalidation costs a 304 and no bytes.
 */
@Controller
class ImageController {

    static final CacheControl VERSIONED = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();
    static final CacheControl UNVERSIONED = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final ShopImages images;

    ImageController(ShopImages images) {
        this.images = images;
    }

    @GetMapping(ShopImages.PRODUCT_PATH + "{sku}")
    ResponseEntity<byte[]> product(@PathVariable String sku, @RequestParam(name = "v", required = false) String version,
                                   @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        return answer(images.publicProductImage(sku), version, ifNoneMatch);
    }

    @GetMapping(ShopImages.LOGO_PATH)
    ResponseEntity<byte[]> logo(@RequestParam(name = "v", required = false) String version,
                                @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        return answer(images.logoMeta(), version, ifNoneMatch);
    }

    private ResponseEntity<byte[]> answer(Optional<StoredImages.Meta> found, String version, String ifNoneMatch) {
        if (found.isEmpty()) {
            return notFound();
        }
        StoredImages.Meta meta = found.get();
        if (matches(ifNoneMatch, meta.sha256())) {
            return headers(ResponseEntity.status(HttpStatus.NOT_MODIFIED), meta, version).build();
        }
        Optional<StoredImages.Content> content = images.content(meta);
        if (content.isEmpty()) {
            return notFound(); // removed since
        }
        StoredImages.Meta served = content.get().meta(); // replaced since: its own tag and caching
        return headers(ResponseEntity.ok(), served, version).contentType(MediaType.parseMediaType(served.contentType()))
                .contentLength(content.get().bytes().length).body(content.get().bytes());
    }

    private static ResponseEntity.BodyBuilder headers(ResponseEntity.BodyBuilder answer, StoredImages.Meta meta, String version) {
        return answer.eTag(etag(meta.sha256()))
                .cacheControl(meta.version().equals(version) ? VERSIONED : UNVERSIONED)
                .header("X-Content-Type-Options", "nosniff");
    }

    private static ResponseEntity<byte[]> notFound() {
        // briefly: an image uploaded a moment later should show soon
        return ResponseEntity.status(HttpStatus.NOT_FOUND).cacheControl(CacheControl.noStore())
                .header("X-Content-Type-Options", "nosniff").build();
    }

    static String etag(String sha256) {
        return "\"" + sha256 + "\"";
    }

    /** If-None-Match: "*", or any listed tag equal to ours (weakly compared, as RFC 9110 says for this header). */
    static boolean matches(String ifNoneMatch, String sha256) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag(sha256))) {
                return true;
            }
        }
        return false;
    }
}
