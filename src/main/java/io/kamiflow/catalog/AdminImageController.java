package io.kamiflow.catalog;

import java.io.IOException;
import java.io.InputStream;

import io.kamiflow.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A product's image and the shop's logo through the admin API: the raw image as the request body, whatever
 * Content-Type the client claims (the bytes decide), read no further than the size limit.
 */
@RestController
class AdminImageController {

    private static final String UPLOAD = "The image's bytes as the body (PNG, JPEG, GIF or WebP, judged by content; "
            + "SVG is refused), at most kamiflow.images.max-size (1 MB unless set)";

    private final ShopImages images;

    AdminImageController(ShopImages images) {
        this.images = images;
    }

    @PutMapping("/api/admin/products/{sku}/image")
    @Operation(summary = "Set or replace the product's image; buyers see it at its url (which changes with every upload)",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = UPLOAD,
                    content = {@Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                            @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
                            @Content(mediaType = "image/gif", schema = @Schema(type = "string", format = "binary")),
                            @Content(mediaType = "image/webp", schema = @Schema(type = "string", format = "binary"))}),
            responses = {
                    @ApiResponse(responseCode = "200", description = "the image as stored: url, contentType, size, width, height, sha256, updatedAt"),
                    @ApiResponse(responseCode = "400", description = "the image is empty, damaged or incomplete, or larger than 8000 pixels a side"),
                    @ApiResponse(responseCode = "404", description = "no product with this sku"),
                    @ApiResponse(responseCode = "413", description = "the body is larger than the limit"),
                    @ApiResponse(responseCode = "415", description = "not a PNG, JPEG, GIF or WebP image (SVG included)")})
    ShopImages.ImageRef putProductImage(@PathVariable String sku, HttpServletRequest request) throws IOException {
        byte[] body = read(request);
        try {
            return images.setProductImage(sku, body);
        } catch (ImageCheck.Refused refused) {
            throw problem(refused);
        }
    }

    @DeleteMapping("/api/admin/products/{sku}/image")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove the product's image (204 also when it had none); buyers see the placeholder",
            responses = {@ApiResponse(responseCode = "204", description = "the product has no image now"),
                    @ApiResponse(responseCode = "404", description = "no product with this sku")})
    void deleteProductImage(@PathVariable String sku) {
        images.removeProductImage(sku);
    }

    @PutMapping("/api/admin/shop/logo")
    @Operation(summary = "Set or replace the shop's logo, shown in the storefront's header",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = UPLOAD,
                    content = {@Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                            @Content(mediaType = "image/webp", schema = @Schema(type = "string", format = "binary"))}),
            responses = {
                    @ApiResponse(responseCode = "200", description = "the logo as stored"),
                    @ApiResponse(responseCode = "400", description = "the image is empty, damaged or incomplete"),
                    @ApiResponse(responseCode = "413", description = "the body is larger than the limit"),
                    @ApiResponse(responseCode = "415", description = "not a PNG, JPEG, GIF or WebP image")})
    ShopImages.ImageRef putLogo(HttpServletRequest request) throws IOException {
        byte[] body = read(request);
        try {
            return images.setLogo(body);
        } catch (ImageCheck.Refused refused) {
            throw problem(refused);
        }
    }

    @DeleteMapping("/api/admin/shop/logo")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove the shop's logo (204 also when there was none)")
    void deleteLogo() {
        images.removeLogo();
    }

    /** The body, refused as soon as it passes the limit (a declared length over it is refused unread). */
    private byte[] read(HttpServletRequest request) throws IOException {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
            // a form's body is parsed (and used up) before it gets here: curl --data-binary sends this type by default
            throw Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the image itself as the body with its type, such as "
                    + "Content-Type: image/png, not as a form (" + type + ")");
        }
        long max = images.maxBytes();
        if (request.getContentLengthLong() > max) {
            throw tooLarge(request.getContentLengthLong(), max);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                throw tooLarge(-1, max);
            }
            return body;
        }
    }

    private static ErrorResponseException tooLarge(long size, long max) {
        return Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, (size > 0 ? "the image has " + size + " bytes, " : "the image is too large: ")
                + "at most " + max + " are accepted");
    }

    private static ErrorResponseException problem(ImageCheck.Refused refused) {
        HttpStatus status = switch (refused.reason()) {
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
            case SVG, UNSUPPORTED -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case EMPTY, BROKEN, TOO_MANY_PIXELS -> HttpStatus.BAD_REQUEST;
        };
        return Problems.of(status, refused.getMessage());
    }
}
