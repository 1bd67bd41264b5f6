package io.kamiflow.support;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Images made in the test (Java2D through ImageIO; WebP, which the JDK cannot write, from its RIFF structure) and
 * raw-byte HTTP for uploading and fetching them.
 */
public final class TestImages {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A 1x1 lossy WebP (a VP8 key frame) and a 1x1 lossless one (VP8L), as browsers' feature tests use them. */
    public static final byte[] WEBP_LOSSY = Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
    public static final byte[] WEBP_LOSSLESS = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private TestImages() {
    }

    /** A picture of the given size: a diagonal gradient with a label, so screenshots show which is which. */
    public static BufferedImage picture(int width, int height, Color from, Color to, String label) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, from, width, height, to));
        g.fillRect(0, 0, width, height);
        if (label != null) {
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, height / 4)));
            int textWidth = g.getFontMetrics().stringWidth(label);
            g.drawString(label, Math.max(4, (width - textWidth) / 2), height / 2 + height / 10);
        }
        g.dispose();
        return image;
    }

    public static byte[] png(int width, int height) {
        return encode(picture(width, height, new Color(0x0969da), new Color(0x8250df), null), "png");
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** A WebP whose first chunk is VP8X with this canvas (the container checks out; the pixels are the 1x1 frame). */
    public static byte[] webpExtended(int width, int height) {
        byte[] frame = java.util.Arrays.copyOfRange(WEBP_LOSSY, 12, WEBP_LOSSY.length); // "VP8 " chunk
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        chunks.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes("VP8X".getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes(le(10, 4));
        chunks.writeBytes(new byte[4]); // flags, reserved
        chunks.writeBytes(le(width - 1, 3));
        chunks.writeBytes(le(height - 1, 3));
        chunks.writeBytes(frame);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(le(chunks.size(), 4));
        file.writeBytes(chunks.toByteArray());
        return file.toByteArray();
    }

    private static byte[] le(int value, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }

    public record Fetched(int status, byte[] body, HttpResponse<byte[]> response) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    /** A request with a raw body (null: none), as the admin when {@code admin}, else anonymous. */
    public static Fetched send(int port, String method, String path, byte[] body, String contentType, boolean admin,
                               Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (admin) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (ShopClient.ADMIN_USER + ":" + ShopClient.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Fetched(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Fetched get(int port, String path, Map<String, String> headers) {
        return send(port, "GET", path, null, null, false, headers);
    }
}
