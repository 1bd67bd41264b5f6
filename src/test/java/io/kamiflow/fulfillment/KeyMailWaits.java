package io.kamiflow.fulfillment;

import org.springframework.context.ApplicationContext;

/**
 * Every test begins with callbacks waiting for their key mail: an earlier test's mail server outage must not leave
 * this node's {@link KeyMailPacing} answering at once.
 */
public final class KeyMailWaits {

    private KeyMailWaits() {
    }

    public static void forgetEarlierMails(ApplicationContext context) {
        context.getBean(KeyMailPacing.class).forget();
    }
}
