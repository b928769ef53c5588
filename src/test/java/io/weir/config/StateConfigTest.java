package io.weir.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StateConfigTest {

    private static final String LISTENERS =
            "listeners: [ { name: web, listen: 127.0.0.1:0, routes: [ { respond: { status: 200 } } ] } ]\n";

    @Test
    void redisWithDefaultsAndEveryKey() throws Exception {
        assertThat(Yaml.load(LISTENERS + "state: { redis: { uri: redis://10.0.0.5:6379 } }\n").state()).contains(
                new StateConfig("redis://10.0.0.5:6379", Duration.ofMillis(100), Optional.empty(), Optional.empty(),
                        Duration.ofSeconds(1)));
        StateConfig all = Yaml.load(LISTENERS + """
                state:
                  redis:
                    uri: rediss://redis.internal:6380/2
                    password_env: WEIR_REDIS_PASSWORD
                    tls: { verify: src/test/resources/tls/ca.pem }
                    timeout: 250ms
                    sync_interval: 5s
                """).state().orElseThrow();
        assertThat(all.passwordEnv()).contains("WEIR_REDIS_PASSWORD");
        assertThat(all.tls().orElseThrow().verifyCa()).contains(Path.of("src/test/resources/tls/ca.pem")
                .toAbsolutePath());
        assertThat(all.tls().orElseThrow().verifyPeer()).isTrue();
        assertThat(all.redisTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(all.syncInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(Yaml.load(LISTENERS + "state: { redis: { uri: rediss://r:6380, tls: { verify: none } } }\n")
                .state().orElseThrow().tls()).contains(new StateConfig.RedisTls(Optional.empty(), false));
    }

    @Test
    void mistakesAreNamedWithTheirPosition() {
        assertThat(Yaml.errors(LISTENERS + "state: { redis: { uri: http://r:6379 } }\n")).singleElement().asString()
                .startsWith("weir.yaml:2:24: uri: expected redis://");
        assertThat(Yaml.errors(LISTENERS + "state: { redis: { uri: redis://r, password_env: \"no such\" } }\n"))
                .singleElement().asString().startsWith("weir.yaml:2:49: password_env: expected the name of an "
                        + "environment variable");
        assertThat(Yaml.errors(LISTENERS + "state: { redis: { uri: redis://r, tls: { verify: /nope.pem } } }\n"))
                .singleElement().asString().startsWith("weir.yaml:2:50: verify: expected system, none or a CA file");
        assertThat(Yaml.errors(LISTENERS + "state: { redis: { uri: redis://r, password: x } }\n"))
                .singleElement().asString().startsWith("weir.yaml:2:35: unknown key 'password' in redis");
    }
}
