package io.kamiflow.backoffice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.kamiflow.catalog.ImageCheck;
import io.kamiflow.catalog.ShopImages;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.UriUtils;

/**
 * Uploading and removing a product's image (a section of its page) and the shop's logo (a page of its own). The file
 * is judged by its bytes ({@link ImageCheck}); a refusal comes back to the page as a code shown in the user's language.
 * Uploads carry their CSRF token in the query too: a file over the multipart limit is not parsed, its fields with it.
 */
@Controller
class ImagePages {

    private final ShopImages images;

    ImagePages(ShopImages images) {
        this.images = images;
    }

    @PostMapping("/admin/products/{sku}/image")
    String uploadProductImage(@PathVariable String sku, @RequestParam(required = false) MultipartFile image)
            throws IOException {
        String page = productPage(sku);
        try {
            images.setProductImage(sku, bytes(image));
            return "redirect:" + page + "?imageSaved#image";
        } catch (ImageCheck.Refused refused) {
            return "redirect:" + page + "?imageError=" + refused.reason().code + "#image";
        }
    }

    /**
     * The image as the back office shows it: a hidden product's too (the buyers' URL answers 404 for it), to logged-in
     * users only, cached privately; the page links it with its version, so an upload shows at once.
     */
    @GetMapping("/admin/products/{sku}/image")
    ResponseEntity<byte[]> productImage(@PathVariable String sku) {
        return images.anyProductImage(sku)
                .map(image -> ResponseEntity.ok().contentType(MediaType.parseMediaType(image.meta().contentType()))
                        .cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePrivate())
                        .header("X-Content-Type-Options", "nosniff").body(image.bytes()))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @PostMapping("/admin/products/{sku}/image/remove")
    String removeProductImage(@PathVariable String sku) {
        String page = productPage(sku);
        images.removeProductImage(sku);
        return "redirect:" + page + "?imageRemoved#image";
    }

    @GetMapping("/admin/shop/logo")
    String logoPage(@RequestParam(required = false) String error, Model model) {
        model.addAttribute("logo", images.logo().orElse(null));
        model.addAttribute("imageError", ImagePages.errorKey(error));
        model.addAttribute("imageLimit", limit());
        return "admin/logo";
    }

    @PostMapping("/admin/shop/logo")
    String uploadLogo(@RequestParam(required = false) MultipartFile image) throws IOException {
        try {
            images.setLogo(bytes(image));
            return "redirect:/admin/shop/logo?saved";
        } catch (ImageCheck.Refused refused) {
            return "redirect:/admin/shop/logo?error=" + refused.reason().code;
        }
    }

    @PostMapping("/admin/shop/logo/remove")
    String removeLogo() {
        images.removeLogo();
        return "redirect:/admin/shop/logo?removed";
    }

    /** A file over the multipart limit (10 MB): refused as too large, back on the page it came from. */
    @ExceptionHandler(MaxUploadSizeExceededException.class)
    String tooLarge(HttpServletRequest request) {
        @SuppressWarnings("unchecked")
        Map<String, String> path = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String sku = path == null ? null : path.get("sku");
        String code = ImageCheck.Refusal.TOO_LARGE.code;
        return sku == null ? "redirect:/admin/shop/logo?error=" + code
                : "redirect:" + productPage(sku) + "?imageError=" + code + "#image";
    }

    /** The message key of a refusal code from the query, null for none or one we did not send. */
    static String errorKey(String code) {
        return code == null ? null : Arrays.stream(ImageCheck.Refusal.values()).filter(r -> r.code.equals(code))
                .findFirst().map(r -> "images.error." + r.code).orElse(null);
    }

    String limit() {
        return limit(images.maxBytes());
    }

    /** The size limit in the unit the owner thinks in: "1 MB", "512 KB". */
    static String limit(long max) {
        return max % (1024 * 1024) == 0 ? max / (1024 * 1024) + " MB" : Math.max(1, max / 1024) + " KB";
    }

    private static byte[] bytes(MultipartFile file) throws IOException {
        return file == null ? new byte[0] : file.getBytes();
    }

    private static String productPage(String sku) {
        return "/admin/products/" + UriUtils.encodePathSegment(sku, StandardCharsets.UTF_8);
    }
}
