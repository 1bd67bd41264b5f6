package io.kamiflow.storefront;

import java.util.Map;

import io.kamiflow.catalog.ShopImages;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The images on the storefront's pages: the logo in every page's header (null without one), and each product's image
 * by sku for the catalogue's cards and the product page (absent: the placeholder). Metadata only, one query each.
 */
@ControllerAdvice(assignableTypes = {StorefrontController.class, FindOrderController.class, OrderListController.class})
class StorefrontImages {

    private final ShopImages images;

    StorefrontImages(ShopImages images) {
        this.images = images;
    }

    @ModelAttribute("shopLogo")
    ShopImages.ImageRef shopLogo() {
        return images.logo().orElse(null);
    }

    @ModelAttribute("productImages")
    Map<String, ShopImages.ImageRef> productImages() {
        return images.productImagesBySku();
    }
}
