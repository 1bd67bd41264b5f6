package io.kamiflow.delivery;

import org.springframework.context.ApplicationContext;

/**
 * Every test begins without SMTP connections of an earlier one: a connection the app keeps open between mails
 * ({@link ReusingMailSender}) to a fake relay or a GreenMail that an earlier test stopped just as it connected (both
 * can miss a socket accepted in that moment) would otherwise carry this test's mails there for up to a minute.
 */
public final class MailConnections {

    private MailConnections() {
    }

    public static void closeEarlierConnections(ApplicationContext context) {
        context.getBean(ReusingMailSender.class).closeIdle();
    }
}
