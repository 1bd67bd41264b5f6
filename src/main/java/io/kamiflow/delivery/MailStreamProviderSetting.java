package io.kamiflow.delivery;

import org.springframework.context.annotation.Configuration;

/**
 * Names Jakarta Mail's StreamProvider. Without the name, Jakarta Mail 2.1 finds it through ServiceLoader on
 * every MimeMultipart, MimeBodyPart and encoder it creates (jakartaee/mail-api#699, #861): inside Spring Boot's
 * nested jar that scan took 12% of kamiflow's CPU per delivered order (JFR, docs/performance.md). With the
 * system property set, FactoryFinder loads the named class instead. A value set outside (-D) wins.
 */
@Configuration(proxyBeanMethods = false)
class MailStreamProviderSetting {

    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

    static {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, ANGUS);
        }
    }
}
