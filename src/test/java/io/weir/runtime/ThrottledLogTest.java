package io.weir.runtime;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.weir.test.throttled");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();
    private long now = 1_000_000_000L;

    private final ThrottledLog lines = new ThrottledLog(logger, Level.WARN, "request {} failed", 10,
            () -> now, (task, afterNanos) -> {
                scheduled.add(task);
                delays.add(afterNanos);
            });

    @BeforeEach
    void attach() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logged);
    }

    private List<String> messages() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void tenLinesASecondThenOneLineWithTheCountOfTheRest() {
        for (int i = 0; i < 25; i++) {
            now += 1_000_000;   // 1 ms apart: all in one second
            lines.log(i);
        }
        assertThat(messages()).hasSize(10).first().isEqualTo("request 0 failed");
        assertThat(messages()).last().isEqualTo("request 9 failed");
        assertThat(scheduled).as("one report for the second, whatever was left out").hasSize(1);
        // The second began with the first line (at 1 ms); the eleventh came 10 ms later.
        assertThat(delays.get(0)).isEqualTo(ThrottledLog.WINDOW_NANOS - 10_000_000);

        scheduled.get(0).run();
        assertThat(messages()).hasSize(11).last().isEqualTo(
                "15 more lines like \"request {} failed\" were not logged in the last second (at most 10 a second are)");
        assertThat(logged.list.get(10).getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    }

    @Test
    void theNextSecondLogsAgain() {
        for (int i = 0; i < 12; i++) {
            lines.log(i);
        }
        now += ThrottledLog.WINDOW_NANOS;
        lines.log("late");
        assertThat(messages()).hasSize(11).last().isEqualTo("request late failed");
        scheduled.get(0).run();
        assertThat(messages()).last().asString().startsWith("2 more lines like");
    }

    @Test
    void aReportWithNothingLeftOutSaysNothing() {
        for (int i = 0; i < 11; i++) {
            lines.log(i);
        }
        scheduled.get(0).run();
        scheduled.get(0).run();
        assertThat(messages()).hasSize(11);
    }

    @Test
    void nothingIsCountedBelowTheLoggersLevel() {
        ThrottledLog debug = new ThrottledLog(logger, Level.DEBUG, "x {}", 1, () -> now, (t, d) -> scheduled.add(t));
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            for (int i = 0; i < 5; i++) {
                debug.log(i);
            }
        } finally {
            logger.setLevel(null);
        }
        assertThat(messages()).isEmpty();
        assertThat(scheduled).isEmpty();
    }
}
