package io.kamiflow.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/** kamiflow.images.max-size: the largest product image or logo accepted (1 MB unless set; the multipart limit is higher). */
@Component
@ConfigurationProperties("kamiflow.images")
public class ImageSettings {

    private DataSize maxSize = DataSize.ofMegabytes(1);

    public DataSize getMaxSize() {
        return maxSize;
    }

    public void setMaxSize(DataSize maxSize) {
        this.maxSize = maxSize;
    }
}
