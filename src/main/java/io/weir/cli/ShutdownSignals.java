package io.weir.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves until SIGTERM or SIGINT, then stops gracefully and lets the command return 0.
 *
 * <p>The signals are handled here rather than left to a shutdown hook: a JVM that a signal takes through
 * its hooks exits with 128 + signal (143 for SIGTERM), and deploy tools read a non-zero exit as a crash.
 * The hook stays as a fallback for any other way the JVM goes down (System.exit, a signal the JVM does not
 * let us handle), so the stop still runs then, once.
 */
final class ShutdownSignals {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {
    }

    /** Blocks until a stop signal, then runs {@code stop} (once, whichever way the process ends). */
    static void serveUntilStopped(Runnable stop) throws InterruptedException {
        serveUntilStopped(stop, new java.util.concurrent.CompletableFuture<>());
    }

    /** As {@link #serveUntilStopped(Runnable)}; {@code alsoWhen} completing (a hand-over to a new Weir) stops too. */
    static void serveUntilStopped(Runnable stop, java.util.concurrent.CompletableFuture<?> alsoWhen)
            throws InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable once = () -> {
            if (stopped.compareAndSet(false, true)) {
                stop.run();
            }
        };
        Thread hook = new Thread(once, "weir-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        CountDownLatch signalled = new CountDownLatch(1);
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), s -> {
                    log.info("SIG{} received", s.getName());
                    signalled.countDown();
                });
            } catch (IllegalArgumentException e) {
                // Reserved by the JVM (e.g. run with -Xrs): the shutdown hook still stops us.
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        alsoWhen.whenComplete((v, e) -> signalled.countDown());
        signalled.await();
        once.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook ran or is running, and found the stop done.
        }
    }
}
