package io.weir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** {@code health_check: { type: grpc, service: NAME }}: values, and keys that belong to other types. */
class GrpcHealthConfigTest {

    private static String cluster(String line) {
        return Yaml.minimal("") + "    " + line + "\n";
    }

    @Test
    void grpcWithAndWithoutAServiceName() throws Exception {
        HealthCheckConfig plain = Yaml.load(cluster("health_check: { type: grpc }")).cluster("api").orElseThrow()
                .health().check().orElseThrow();
        assertThat(plain.type()).isEqualTo(HealthCheckConfig.Type.GRPC);
        assertThat(plain.service()).isEmpty();
        HealthCheckConfig named = Yaml.load(cluster("health_check: { type: grpc, service: shop.v1.Cart, "
                + "host: api.internal }")).cluster("api").orElseThrow().health().check().orElseThrow();
        assertThat(named.service()).isEqualTo(Optional.of("shop.v1.Cart"));
        assertThat(named.host()).isEqualTo(Optional.of("api.internal"));
    }

    @Test
    void keysOfOtherTypesAreNamedWithTheirPosition() {
        String yaml = cluster("health_check: { type: grpc, path: /healthz }");
        int line = (int) yaml.lines().count();
        assertThat(Yaml.errors(yaml)).containsExactly("weir.yaml:" + line + ":33: health_check: path only applies "
                + "to type: http (type: grpc asks grpc.health.v1.Health/Check; name the service with service:)");
        yaml = cluster("health_check: { type: http, service: shop.Cart }");
        assertThat(Yaml.errors(yaml)).containsExactly("weir.yaml:" + line + ":33: health_check: service only "
                + "applies to type: grpc");
        yaml = cluster("health_check: { type: grpc, service: 'a b' }");
        assertThat(Yaml.errors(yaml)).containsExactly("weir.yaml:" + line + ":42: service: expected a gRPC "
                + "service name like shop.v1.Cart; got 'a b'");
    }
}
