package io.weir.runtime;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One clock reading per turn of an event loop; the system clock everywhere else. */
class LoopClockTest {

    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    /** Lets the system clock move on by at least {@code nanos}. */
    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aTurnOfTheLoopReadsTheClockOnceAndTheNextTurnReadsItAgain() throws Exception {
        EventLoopGroup group = Transport.best().newGroup(1, "test-clock");
        try {
            EventLoop loop = group.next();
            long[] first = loop.submit(() -> {
                long nanos = LoopClock.nanoTime();
                long millis = LoopClock.currentTimeMillis();
                spin(2 * MILLI);
                return new long[] {nanos, LoopClock.nanoTime(), millis, LoopClock.currentTimeMillis()};
            }).get(10, TimeUnit.SECONDS);
            assertThat(first[1]).as("same turn, same reading").isEqualTo(first[0]);
            assertThat(first[3]).isEqualTo(first[2]);

            // Tasks that reach the loop while it runs tasks share that turn's reading; a task due 5 ms from now
            // runs after the loop has waited for I/O until then, in a new turn that reads the clock again.
            long before = System.nanoTime();
            long later = loop.schedule(LoopClock::nanoTime, 5, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
            assertThat(later - before).as("a later turn reads the clock again").isGreaterThanOrEqualTo(5 * MILLI);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void otherThreadsReadTheSystemClockEveryTime() {
        long before = LoopClock.nanoTime();
        spin(MILLI);
        assertThat(LoopClock.nanoTime() - before).isGreaterThanOrEqualTo(MILLI);
    }
}
