package io.weir.health;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written protobuf of the health messages matches what protobuf itself writes and reads. */
class GrpcHealthMessagesTest {

    private static ByteBuf framed(byte[] message) {
        return Unpooled.buffer().writeByte(0).writeInt(message.length).writeBytes(message);
    }

    @Test
    void requestsAreWhatProtobufWrites() {
        for (String service : new String[] {"", "shop.v1.Cart", "x".repeat(300)}) {
            ByteBuf ours = GrpcHealthMessages.request(UnpooledByteBufAllocator.DEFAULT, service);
            byte[] theirs = HealthCheckRequest.newBuilder().setService(service).build().toByteArray();
            assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(framed(theirs)));
            ours.release();
        }
    }

    @Test
    void responsesAreReadAsProtobufWritesThem() {
        for (HealthCheckResponse.ServingStatus s : new HealthCheckResponse.ServingStatus[] {
            HealthCheckResponse.ServingStatus.UNKNOWN, HealthCheckResponse.ServingStatus.SERVING,
            HealthCheckResponse.ServingStatus.NOT_SERVING, HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN}) {
            byte[] message = HealthCheckResponse.newBuilder().setStatus(s).build().toByteArray();
            assertThat(GrpcHealthMessages.status(framed(message))).isEqualTo(s.getNumber());
        }
        // An unknown field before the status is skipped.
        assertThat(GrpcHealthMessages.status(framed(new byte[] {0x12, 0x02, 'h', 'i', 0x08, 0x01}))).isEqualTo(1);
        // Not all there yet.
        assertThat(GrpcHealthMessages.status(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 2, 0x08}))).isEqualTo(-1);
        assertThatThrownBy(() -> GrpcHealthMessages.status(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 0})))
                .hasMessageContaining("compressed");
    }
}
