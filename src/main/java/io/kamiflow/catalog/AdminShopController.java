package io.kamiflow.catalog;

import java.time.ZoneOffset;

import io.kamiflow.web.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The shop's name and announcement banner, read and changed with the same ETag rules as a product. */
@RestController
class AdminShopController {

    /** The settings as stored; the texts are null when there are none; {@code version} is also the ETag. */
    record ShopView(String nameEn, String nameZh, String announcementEn, String announcementZh, boolean announcementOn,
                    long version, String updatedAt) {
        static ShopView of(ShopProfile p) {
            return new ShopView(p.nameEn(), p.nameZh(), p.announcementEn(), p.announcementZh(), p.announcementOn(),
                    p.version(), p.updatedAt() == null ? null
                    : p.updatedAt().withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString());
        }
    }

    private final ShopProfiles profiles;

    AdminShopController(ShopProfiles profiles) {
        this.profiles = profiles;
    }

    @GetMapping("/api/admin/shop")
    @Operation(summary = "The shop's name and announcement banner (English and Chinese); its ETag is what a PUT sends back as If-Match")
    ResponseEntity<ShopView> get() {
        return answer(profiles.stored());
    }

    @PutMapping("/api/admin/shop")
    @Operation(summary = "Replace the shop's name (nameEn, nameZh, at most " + ShopProfiles.MAX_NAME + " characters) and "
            + "announcement (announcementEn, announcementZh: short Markdown, at most " + ShopProfiles.MAX_ANNOUNCEMENT
            + " characters; announcementOn shows it on the catalogue). A text left out or empty means none: the buyer "
            + "reads the other language, and without any name the shop's default. Other nodes show a change within 5 seconds",
            responses = {
                    @ApiResponse(responseCode = "200", description = "the settings as stored now, the new ETag in the header"),
                    @ApiResponse(responseCode = "400", description = "a field is invalid, or announcementOn without any announcement; the detail names it"),
                    @ApiResponse(responseCode = "412", description = "the settings changed since they were read; the header has their ETag now"),
                    @ApiResponse(responseCode = "428", description = "If-Match is missing")})
    ResponseEntity<ShopView> update(@RequestHeader(name = "If-Match", required = false) String ifMatch,
                                    @Valid @RequestBody ShopProfiles.ShopEdit request) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw Problems.of(HttpStatus.PRECONDITION_REQUIRED, "send If-Match with the ETag of the settings as you read "
                    + "them (GET /api/admin/shop), or If-Match: * to overwrite whatever is stored");
        }
        return answer(profiles.change(IfMatch.of(ifMatch), request));
    }

    private static ResponseEntity<ShopView> answer(ShopProfile profile) {
        return ResponseEntity.ok().eTag(IfMatch.etag(profile.version())).body(ShopView.of(profile));
    }
}
