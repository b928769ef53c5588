package io.weir.proxy.http.sticky;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AppCookieTableTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private static final long IDLE = Duration.ofMinutes(30).toNanos();

    private AppCookieTable table(int max) {
        return new AppCookieTable(max, IDLE, now::get);
    }

    @Test
    void anEntryInUseLivesOnAndOneIdleForTheIdleTimeIsGone() {
        AppCookieTable t = table(10);
        t.put("s", "10.0.0.1:80", true, 0);
        for (int i = 0; i < 5; i++) {
            now.addAndGet(IDLE - 1);
            assertThat(t.use("s")).isNotNull().extracting(e -> e.endpointId).isEqualTo("10.0.0.1:80");
        }
        now.addAndGet(IDLE);
        assertThat(t.use("s")).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    void aFullTableDropsIdleEntriesFirst() {
        AppCookieTable t = table(4);
        t.put("old1", "e", true, 0);
        t.put("old2", "e", true, 0);
        now.addAndGet(IDLE / 2);
        t.put("live1", "e", true, 0);
        t.put("live2", "e", true, 0);
        now.addAndGet(IDLE / 2 + 1);
        t.put("new", "e", true, 0);
        assertThat(t.use("old1")).isNull();
        assertThat(t.use("old2")).isNull();
        assertThat(t.use("live1")).isNotNull();
        assertThat(t.use("live2")).isNotNull();
        assertThat(t.use("new")).isNotNull();
        assertThat(t.evicted()).isZero();
    }

    @Test
    void aFloodOfLiveSessionsIsCutBackTo90PercentNotGrown() {
        AppCookieTable t = table(100);
        for (int i = 0; i < 1_000; i++) {
            t.put("s" + i, "e", true, 0);
            assertThat(t.size()).isLessThanOrEqualTo(100);
        }
        assertThat(t.evicted()).isGreaterThan(0);
        assertThat(t.use("s999")).isNotNull();
    }

    @Test
    void aMoveFromElsewhereReplacesOnlyTheEntryItWasBasedOn() {
        AppCookieTable t = table(10);
        AppCookieTable.Entry first = t.put("s", "a:1", true, 0);
        t.put("s", "b:1", true, 0);
        t.replace("s", first, "c:1", true);
        assertThat(t.use("s").endpointId).isEqualTo("b:1");
    }

    @Test
    void sessionKeysAreDigestsNotTheCookieValue() {
        String key = AppCookieSession.key("ABCDEF0123456789");
        assertThat(key).doesNotContain("ABCDEF").hasSize(22).isEqualTo(AppCookieSession.key("ABCDEF0123456789"));
        assertThat(AppCookieSession.key("ABCDEF012345678A")).isNotEqualTo(key);
    }
}
