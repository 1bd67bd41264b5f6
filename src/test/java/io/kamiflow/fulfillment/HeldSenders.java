package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Every key mail thread of this node busy until {@code release} counts down: a paid order's mail then waits in the
 * queue, as behind mails stuck in their SMTP conversation or on a node that fell behind.
 */
final class HeldSenders {

    private HeldSenders() {
    }

    static void hold(KeyMailQueue queue, CountDownLatch release) {
        ThreadPoolExecutor senders = queue.senders();
        CountDownLatch busy = new CountDownLatch(senders.getMaximumPoolSize());
        for (int i = 0; i < senders.getMaximumPoolSize(); i++) {
            senders.execute(() -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertThat(busy.await(5, TimeUnit.SECONDS)).as("every sender held").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
