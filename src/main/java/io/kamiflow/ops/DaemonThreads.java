package io.kamiflow.ops;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for kamiflow's own background work (relays, timers, senders): named, so a thread dump or a log line says
 * whose work it is, and daemon, so none of them keeps a stopping JVM alive; each owner stops its work in its own
 * lifecycle hook.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** One thread per executor: every thread it makes has this name. */
    public static ThreadFactory named(String name) {
        return task -> daemon(task, name);
    }

    /** A pool's threads: the name and a number from 1. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return task -> daemon(task, prefix + next.incrementAndGet());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
