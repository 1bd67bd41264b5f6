package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/** The bodies as bytes make the same mail as the helper's Strings: structure, types, encodings, content. */
class MailBodiesTest {

    private final JavaMailSenderImpl sender = new JavaMailSenderImpl();

    @Test
    void asciiChineseAndLongLinesComeBackAsTheyWereWithTheEncodingsTheStringsGot() throws Exception {
        String longLine = "KEY-" + "A".repeat(1200) + "\n";
        for (String[] bodies : List.of(
                new String[] {"Your keys:\nKEY-1234\n", "<p>Your keys:</p><pre>KEY-1234</pre>"},
                new String[] {"您的卡密：\nKEY-1234\n", "<p>您的卡密：</p><pre>KEY-1234</pre>"},
                new String[] {"mostly ascii, one é\n", "<p>mostly ascii, one é</p>"},
                new String[] {longLine, "<p>" + longLine + "</p>"})) {
            List<String[]> viaStrings = parts(written(bodies, false));
            List<String[]> viaBytes = parts(written(bodies, true));

            assertThat(viaBytes).extracting(part -> part[0])
                    .containsExactly("multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html");
            assertThat(viaBytes.get(3)[2]).as("quoted-printable text comes back with CRLF line ends, as before").isEqualToNormalizingNewlines(bodies[0]);
            assertThat(viaBytes.get(4)[2]).isEqualToNormalizingNewlines(bodies[1]);
            assertThat(viaBytes.get(3)[3]).isEqualToIgnoringCase("UTF-8");
            assertThat(viaBytes.get(4)[3]).isEqualToIgnoringCase("UTF-8");
            for (int i = 3; i < 5; i++) {
                assertThat(viaBytes.get(i)[1]).as("transfer encoding of part %d of %s", i, bodies[0]).isEqualTo(viaStrings.get(i)[1]);
                assertThat(viaBytes.get(i)[2]).isEqualTo(viaStrings.get(i)[2]);
            }
        }
    }

    private byte[] written(String[] bodies, boolean asBytes) throws Exception {
        MimeMessage message = sender.createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
        helper.setFrom("shop@example.com");
        helper.setTo("buyer@example.com");
        helper.setSubject("您的卡密");
        if (asBytes) {
            MailBodies.set(helper, bodies[0], bodies[1]);
        } else {
            helper.setText(bodies[0], bodies[1]);
        }
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** Each part read back from the written mail, depth first: type, transfer encoding, text content, charset. */
    private List<String[]> parts(byte[] mail) throws Exception {
        List<String[]> parts = new ArrayList<>();
        collect(new MimeMessage(sender.getSession(), new ByteArrayInputStream(mail)), parts);
        return parts;
    }

    private static void collect(Part part, List<String[]> parts) throws Exception {
        var type = new jakarta.mail.internet.ContentType(part.getContentType());
        Object content = part.getContent();
        String encoding = part instanceof jakarta.mail.internet.MimePart mime ? mime.getEncoding() : null;
        parts.add(new String[] {type.getBaseType(), encoding, content instanceof String text ? text : null, type.getParameter("charset")});
        if (content instanceof MimeMultipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), parts);
            }
        }
    }
}
