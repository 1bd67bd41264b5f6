package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.kamiflow.support.TestImages;
import org.junit.jupiter.api.Test;

/** What {@link ImageCheck} makes of bytes: every cut of a real image is refused, the formats by content only. */
class ImageCheckTest {

    private static final long MAX = 1024 * 1024;

    @Test
    void everyCutOfAPngGifJpegOrWebpIsRefusedAsBroken() throws Exception {
        byte[] png = TestImages.png(120, 90);
        byte[] gif = TestImages.encode(TestImages.picture(120, 90, Color.GREEN, Color.BLACK, null), "gif");
        byte[] jpeg = TestImages.encode(TestImages.picture(120, 90, Color.RED, Color.BLUE, null), "jpeg");
        byte[] webp = TestImages.webpExtended(120, 90);
        assertThat(ImageCheck.check(png, MAX)).isEqualTo(new ImageCheck.Checked("image/png", 120, 90));
        assertThat(ImageCheck.check(gif, MAX)).isEqualTo(new ImageCheck.Checked("image/gif", 120, 90));
        assertThat(ImageCheck.check(jpeg, MAX)).isEqualTo(new ImageCheck.Checked("image/jpeg", 120, 90));
        assertThat(ImageCheck.check(webp, MAX)).isEqualTo(new ImageCheck.Checked("image/webp", 120, 90));
        for (byte[] image : new byte[][] {png, gif, jpeg, webp}) {
            for (int cut = 1; cut < image.length; cut += Math.max(1, image.length / 60)) {
                byte[] part = Arrays.copyOf(image, image.length - cut);
                assertThatThrownBy(() -> ImageCheck.check(part, MAX)).as("cut " + cut + " of " + image.length)
                        .isInstanceOfSatisfying(ImageCheck.Refused.class, refused -> assertThat(refused.reason())
                                .isIn(ImageCheck.Refusal.BROKEN, ImageCheck.Refusal.UNSUPPORTED));
            }
        }
    }

    @Test
    void svgInAnyDressIsRefusedAsSvgOtherFilesAsUnsupported() {
        for (String svg : new String[] {"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "\uFEFF  <?xml version=\"1.0\"?><svg/>",
                "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\"><svg/>", "<!-- logo --><SVG></SVG>"}) {
            assertRefused(svg.getBytes(StandardCharsets.UTF_8), ImageCheck.Refusal.SVG);
        }
        assertRefused("<html><body>hi</body></html>".getBytes(StandardCharsets.UTF_8), ImageCheck.Refusal.UNSUPPORTED);
        assertRefused("BM\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1), ImageCheck.Refusal.UNSUPPORTED); // BMP
        assertRefused(TestImages.encode(TestImages.picture(4, 4, Color.RED, Color.RED, null), "bmp"), ImageCheck.Refusal.UNSUPPORTED);
        assertRefused(new byte[0], ImageCheck.Refusal.EMPTY);
        assertRefused(TestImages.png(10, 10), 10, ImageCheck.Refusal.TOO_LARGE);
        assertRefused(TestImages.webpExtended(9000, 10), MAX, ImageCheck.Refusal.TOO_MANY_PIXELS);
        byte[] webpWithJunk = Arrays.copyOf(TestImages.WEBP_LOSSY, TestImages.WEBP_LOSSY.length + 3);
        assertRefused(webpWithJunk, ImageCheck.Refusal.BROKEN); // the RIFF size no longer fits the file
    }

    private static void assertRefused(byte[] bytes, ImageCheck.Refusal reason) {
        assertRefused(bytes, MAX, reason);
    }

    private static void assertRefused(byte[] bytes, long max, ImageCheck.Refusal reason) {
        assertThatThrownBy(() -> ImageCheck.check(bytes, max)).isInstanceOfSatisfying(ImageCheck.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo(reason));
    }
}
