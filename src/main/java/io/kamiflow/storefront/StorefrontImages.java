package io.kamiflow.storefront;

import java.util.Map;

import io.kamiflow.catalog.CatalogueCache;
import io.kamiflow.catalog.ShopImages;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The images on the storefront's pages: the logo in every page's header (null without one), and each product's image
 * by sku for the catalogue's cards and the product page (absent: the placeholder). Metadata only, from the node's
 * copy of the catalogue ({@link CatalogueCache}).
 */
@ControllerAdvice(assignableTypes = {StorefrontController.class, FindOrderController.class, OrderListController.class})
class StorefrontImages {

    private final CatalogueCache catalogue;

    StorefrontImages(CatalogueCache catalogue) {
        this.catalogue = catalogue;
    }

    @ModelAttribute("shopLogo")
    ShopImages.ImageRef shopLogo() {
        return catalogue.current().logo();
    }

    @ModelAttribute("productImages")
    Map<String, ShopImages.ImageRef> productImages() {
        return catalogue.current().imagesBySku();
    }
}
