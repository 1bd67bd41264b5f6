package io.kamiflow.catalog;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * What an uploaded file is, judged by its bytes alone (never its name or the Content-Type the client sent): PNG, JPEG
 * and GIF are decoded with javax.imageio, which proves they are whole images and gives their size; WebP (which the JDK
 * cannot decode) is accepted by its RIFF container, every chunk inside the file, and the dimensions of its VP8, VP8L or
 * VP8X chunk. Everything else is refused, SVG expressly: it is a document that can carry scripts.
 */
public final class ImageCheck {

    /** Why a file was refused; each has its text {@code images.error.<code>} in the message bundles. */
    public enum Refusal {
        EMPTY("empty"), TOO_LARGE("tooLarge"), SVG("svg"), UNSUPPORTED("unsupported"), BROKEN("broken"),
        TOO_MANY_PIXELS("tooManyPixels");

        public final String code;

        Refusal(String code) {
            this.code = code;
        }
    }

    public static final class Refused extends Exception {
        private final Refusal reason;

        Refused(Refusal reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

    /** An accepted image: its type as served, and its size in pixels. */
    public record Checked(String contentType, int width, int height) {
    }

    /** Larger sides are no picture for a shop page and would cost memory to decode. */
    public static final int MAX_SIDE = 8000;
    /** The decoded copy is subsampled to about this side: every byte is still read, the memory stays small. */
    private static final int PROOF_SIDE = 256;

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The IEND chunk: length 0, its type, its CRC. */
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    private ImageCheck() {
    }

    public static Checked check(byte[] bytes, long maxBytes) throws Refused {
        if (bytes == null || bytes.length == 0) {
            throw new Refused(Refusal.EMPTY, "the file is empty");
        }
        if (bytes.length > maxBytes) {
            throw new Refused(Refusal.TOO_LARGE, "the image has " + bytes.length + " bytes, at most " + maxBytes + " are accepted");
        }
        if (startsWith(bytes, PNG)) {
            // the decoder stops at the last pixel row: a file cut off after it is found by its missing end chunk
            return decode(bytes, "png", "image/png", endsWith(bytes, PNG_END));
        }
        if (startsWith(bytes, JPEG)) {
            return decode(bytes, "jpeg", "image/jpeg", true); // a cut-off JPEG: the decoder warns
        }
        if (startsWith(bytes, "GIF87a".getBytes(StandardCharsets.US_ASCII))
                || startsWith(bytes, "GIF89a".getBytes(StandardCharsets.US_ASCII))) {
            return decode(bytes, "gif", "image/gif", bytes[bytes.length - 1] == 0x3b); // the trailer
        }
        if (bytes.length >= 12 && ascii(bytes, 0, 4).equals("RIFF") && ascii(bytes, 8, 4).equals("WEBP")) {
            return webp(bytes);
        }
        if (looksLikeSvg(bytes)) {
            throw new Refused(Refusal.SVG, "SVG images are not accepted (they can carry scripts); upload PNG, JPEG, GIF or WebP");
        }
        throw new Refused(Refusal.UNSUPPORTED, "the file is not a PNG, JPEG, GIF or WebP image");
    }

    private static Checked decode(byte[] bytes, String format, String contentType, boolean complete) throws Refused {
        if (!complete) {
            throw new Refused(Refusal.BROKEN, "the " + format.toUpperCase() + " image is damaged or incomplete");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        // in memory: ImageIO's default stream cache would write the upload to a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning)); // a truncated JPEG only warns
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkSides(width, height);
            ImageReadParam param = reader.getDefaultReadParam();
            int step = Math.max(1, Math.max(width, height) / PROOF_SIDE);
            param.setSourceSubsampling(step, step, 0, 0);
            if (reader.canReadRaster()) {
                reader.readRaster(0, param); // JPEG: raw samples, so CMYK and YCCK files count as images too
            } else {
                reader.read(0, param);
            }
            if (!warnings.isEmpty()) {
                throw new Refused(Refusal.BROKEN, "the " + format.toUpperCase() + " image is damaged or incomplete");
            }
            return new Checked(contentType, width, height);
        } catch (IOException | RuntimeException broken) {
            throw new Refused(Refusal.BROKEN, "the " + format.toUpperCase() + " image is damaged or incomplete");
        } finally {
            reader.dispose();
        }
    }

    /**
     * The RIFF container must hold exactly its chunks (a cut-off file fails here), the first being the image's:
     * VP8 (lossy, a key frame with its start code), VP8L (lossless, its signature) or VP8X (extended, the canvas).
     */
    private static Checked webp(byte[] b) throws Refused {
        if (b.length < 30 || le32(b, 4) + 8 != b.length) {
            throw brokenWebp();
        }
        long pos = 12;
        while (pos < b.length) {
            if (pos + 8 > b.length) {
                throw brokenWebp();
            }
            long size = le32(b, (int) pos + 4);
            long end = pos + 8 + size;
            if (end > b.length) {
                throw brokenWebp();
            }
            pos = end + (size & 1) > b.length ? end : end + (size & 1); // padded to even, but for the very last byte
        }
        String first = ascii(b, 12, 4);
        int width;
        int height;
        switch (first) {
            case "VP8 " -> {
                boolean keyFrame = (b[20] & 1) == 0;
                if (!keyFrame || (b[23] & 0xff) != 0x9d || (b[24] & 0xff) != 0x01 || (b[25] & 0xff) != 0x2a) {
                    throw brokenWebp();
                }
                width = le16(b, 26) & 0x3fff;
                height = le16(b, 28) & 0x3fff;
            }
            case "VP8L" -> {
                if ((b[20] & 0xff) != 0x2f) {
                    throw brokenWebp();
                }
                long bits = le32(b, 21);
                width = (int) (bits & 0x3fff) + 1;
                height = (int) ((bits >> 14) & 0x3fff) + 1;
            }
            case "VP8X" -> {
                width = le24(b, 24) + 1;
                height = le24(b, 27) + 1;
            }
            default -> throw brokenWebp();
        }
        checkSides(width, height);
        return new Checked("image/webp", width, height);
    }

    private static void checkSides(int width, int height) throws Refused {
        if (width < 1 || height < 1) {
            throw new Refused(Refusal.BROKEN, "the image has no pixels");
        }
        if (width > MAX_SIDE || height > MAX_SIDE) {
            throw new Refused(Refusal.TOO_MANY_PIXELS, "the image is " + width + "x" + height + " pixels, at most "
                    + MAX_SIDE + " on each side are accepted");
        }
    }

    private static Refused brokenWebp() {
        return new Refused(Refusal.BROKEN, "the WebP image is damaged or incomplete");
    }

    /** Markup (after an optional byte order mark and white space) with an svg element near its start. */
    private static boolean looksLikeSvg(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.UTF_8).replace("\uFEFF", "")
                .stripLeading().toLowerCase(java.util.Locale.ROOT);
        return head.startsWith("<") && head.contains("<svg");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length
                && Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }

    private static String ascii(byte[] b, int from, int length) {
        return new String(b, from, length, StandardCharsets.US_ASCII);
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int le24(byte[] b, int at) {
        return le16(b, at) | (b[at + 2] & 0xff) << 16;
    }

    private static long le32(byte[] b, int at) {
        return (le24(b, at) | (long) (b[at + 3] & 0xff) << 24);
    }
}
