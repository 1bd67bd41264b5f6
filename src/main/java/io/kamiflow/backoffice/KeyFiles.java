package io.kamiflow.backoffice;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Key files as merchants have them: .txt or .csv, one key per line, in UTF-8 or (from Chinese Windows tools) GBK.
 * The bytes are decoded strictly, UTF-8 first: a decoder that reports malformed input rather than replacing it tells
 * which encoding the file is in (GBK bytes are almost never valid UTF-8), and a file that is neither is refused
 * instead of importing garbled keys.
 */
final class KeyFiles {

    /** Also the multipart limit (spring.servlet.multipart.max-file-size); a file beyond it is refused whole. */
    static final long MAX_BYTES = 10L * 1024 * 1024;

    private static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8, Charset.forName("GBK"));

    record Decoded(String text, String charset) {
    }

    private KeyFiles() {
    }

    /** @return the text and the name of its encoding, or null when the bytes are neither UTF-8 nor GBK */
    static Decoded decode(byte[] bytes) {
        for (Charset charset : CHARSETS) {
            try {
                String text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                return new Decoded(text.startsWith("\uFEFF") ? text.substring(1) : text, charset.name());
            } catch (CharacterCodingException notThisOne) {
                // try the next
            }
        }
        return null;
    }

    static boolean acceptedName(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".txt") || lower.endsWith(".csv");
    }

    /** The file's own name without any folders a browser may send (old Edge sends the whole path). */
    static String shownName(String name) {
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    }
}
