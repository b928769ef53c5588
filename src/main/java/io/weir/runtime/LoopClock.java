package io.weir.runtime;

import io.micrometer.core.instrument.Clock;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * The time on the hot path: on an event loop, the system clock is read at most once per turn of the loop (its I/O,
 * then its tasks), and that reading serves everything the turn handles. A request's start, its upstream's
 * response, its deadlines and its metrics then cost no clock read each; they are exact to the length of a turn,
 * microseconds under load. nginx (its cached time, updated once per loop) and HAProxy (its {@code now}, taken
 * after each poll) work the same way. Other threads read the system clock every time.
 */
public final class LoopClock {

    /** For Micrometer's registry: its timers read the clock on every record. */
    public static final Clock MICROMETER = new Clock() {
        @Override
        public long wallTime() {
            return currentTimeMillis();
        }

        @Override
        public long monotonicTime() {
            return nanoTime();
        }
    };

    private LoopClock() {
    }

    /** As {@link System#nanoTime()}, as of this turn of the loop. */
    public static long nanoTime() {
        return Thread.currentThread() instanceof LoopThread loop ? loop.nanoTime() : System.nanoTime();
    }

    /** As {@link System#currentTimeMillis()}, as of this turn of the loop. */
    public static long currentTimeMillis() {
        return Thread.currentThread() instanceof LoopThread loop ? loop.currentTimeMillis() : System.currentTimeMillis();
    }

    /** {@code factory}'s I/O handlers, each starting a new turn of its loop's clock before and after it runs. */
    static IoHandlerFactory turning(IoHandlerFactory factory) {
        return executor -> new TurningIoHandler(factory.newHandler(executor));
    }

    /** An event loop's thread, which holds the loop's clock readings for the turn. */
    static final class LoopThread extends FastThreadLocalThread {

        private long nanos;
        private long millis;
        private boolean nanosRead;
        private boolean millisRead;

        LoopThread(ThreadGroup group, Runnable task, String name) {
            super(group, task, name);
        }

        long nanoTime() {
            if (!nanosRead) {
                nanos = System.nanoTime();
                nanosRead = true;
            }
            return nanos;
        }

        long currentTimeMillis() {
            if (!millisRead) {
                millis = System.currentTimeMillis();
                millisRead = true;
            }
            return millis;
        }

        void newTurn() {
            nanosRead = false;
            millisRead = false;
        }
    }

    /**
     * The transport's handler, with a new turn of the clock around each run: the first reading after the wait for
     * I/O is fresh, and so is the first in the tasks the loop runs next. Everything else goes to the transport's
     * handler, whose registrations stay its own.
     */
    private static final class TurningIoHandler implements IoHandler {

        private final IoHandler delegate;
        private LoopThread thread;

        TurningIoHandler(IoHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void initialize() {
            // Called on the loop's thread, before its first run.
            thread = Thread.currentThread() instanceof LoopThread loop ? loop : null;
            delegate.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            if (thread == null) {
                return delegate.run(context);
            }
            thread.newTurn();
            try {
                return delegate.run(context);
            } finally {
                thread.newTurn();
            }
        }

        @Override
        public void prepareToDestroy() {
            delegate.prepareToDestroy();
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return delegate.register(handle);
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return delegate.isCompatible(handleType);
        }
    }
}
