package io.weir.config;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RetryOnTest {

    @Test
    void retriesExactlyTheListedStatuses() {
        RetryOn on = new RetryOn(true, false, Set.of(429, 503));
        assertThat(on.status(429)).isTrue();
        assertThat(on.status(503)).isTrue();
        assertThat(on.status(200)).isFalse();
        assertThat(on.status(502)).isFalse();
        assertThat(on.status(599)).isFalse();
        assertThat(on.status(-1)).isFalse();
        assertThat(new RetryOn(true, true, Set.of()).status(502)).isFalse();
    }

    @Test
    void equalWhenTheSameConditions() {
        assertThat(new RetryOn(true, true, Set.of(502, 503, 504))).isEqualTo(RetryOn.DEFAULT)
                .hasSameHashCodeAs(RetryOn.DEFAULT);
        assertThat(new RetryOn(true, false, Set.of(502, 503, 504))).isNotEqualTo(RetryOn.DEFAULT);
        assertThat(new RetryOn(true, true, Set.of(502))).isNotEqualTo(RetryOn.DEFAULT);
    }
}
