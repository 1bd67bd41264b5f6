package io.kamiflow.backoffice;

import java.util.Map;

import io.kamiflow.catalog.ImageCheck;
import io.kamiflow.catalog.ShopImages;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * What the product pages show of images (the list's thumbnails, the product's image section), added to their model
 * here so that {@link ProductPages} stays about products and keys.
 */
@ControllerAdvice(assignableTypes = ProductPages.class)
class ProductImageModel {

    private final ShopImages images;

    ProductImageModel(ShopImages images) {
        this.images = images;
    }

    @ModelAttribute
    void images(@RequestParam(required = false) String imageError, Model model) {
        model.addAttribute("productImages", images.productImagesBySku());
        model.addAttribute("imageLimit", ImagePages.limit(images.maxBytes()));
        model.addAttribute("imageMaxSide", ImageCheck.MAX_SIDE);
        model.addAttribute("imageError", ImagePages.errorKey(imageError));
    }
}
