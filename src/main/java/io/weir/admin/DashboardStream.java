package io.weir.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /api/events}: a Server-Sent Events stream of dashboard snapshots, one a second, shared by every
 * subscriber. A thread of its own takes the snapshot and hands the same bytes to each subscriber's channel, so
 * the event loops only write; it runs only while someone is subscribed. A subscriber whose channel is not
 * writable (a stalled browser) skips frames instead of having them buffered without bound.
 */
final class DashboardStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DashboardStream.class);
    static final long PERIOD_MILLIS = 1000;

    private final Supplier<Map<String, Object>> snapshots;
    private final Runnable reset;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-dashboard");
        t.setDaemon(true);
        return t;
    });
    /** Touched on the ticker thread only. */
    private final Set<Channel> subscribers = new LinkedHashSet<>();
    private ScheduledFuture<?> tick;
    /** The last tick's frame, for a subscriber joining between ticks; taking a new one would skew the rates. */
    private byte[] lastFrame;

    DashboardStream(DashboardSnapshot snapshot) {
        this(snapshot::take, snapshot::reset);
    }

    DashboardStream(Supplier<Map<String, Object>> snapshots, Runnable reset) {
        this.snapshots = snapshots;
        this.reset = reset;
    }

    /** Answers the request on {@code channel} with the stream's head; snapshots follow until it closes. */
    void subscribe(Channel channel) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        channel.writeAndFlush(head);
        // The browser reconnects after this long if the stream breaks (a Weir restart).
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("retry: 2000\n\n", StandardCharsets.UTF_8)));
        try {
            ticker.execute(() -> {
                subscribers.add(channel);
                if (tick == null) {
                    reset.run();
                    tick = ticker.scheduleAtFixedRate(this::tick, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
                } else if (lastFrame != null) {
                    send(channel, lastFrame);
                }
            });
            channel.closeFuture().addListener(f -> unsubscribe(channel));
        } catch (RejectedExecutionException closing) {
            channel.close();
        }
    }

    private void unsubscribe(Channel channel) {
        try {
            ticker.execute(() -> {
                subscribers.remove(channel);
                if (subscribers.isEmpty() && tick != null) {
                    tick.cancel(false);
                    tick = null;
                    lastFrame = null;
                }
            });
        } catch (RejectedExecutionException closing) {
            // The stream is closed; nothing to stop.
        }
    }

    private void tick() {
        byte[] frame;
        try {
            frame = frame();
        } catch (RuntimeException e) {
            // A failed snapshot must not end the schedule: the next tick tries again.
            log.warn("dashboard snapshot failed: {}", e.toString());
            return;
        }
        lastFrame = frame;
        for (Channel ch : subscribers) {
            send(ch, frame);
        }
    }

    private byte[] frame() {
        try {
            byte[] json = mapper.writeValueAsBytes(snapshots.get());
            byte[] prefix = "event: snapshot\ndata: ".getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[prefix.length + json.length + 2];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            System.arraycopy(json, 0, out, prefix.length, json.length);
            out[out.length - 2] = '\n';
            out[out.length - 1] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the dashboard snapshot", e);
        }
    }

    private static void send(Channel ch, byte[] frame) {
        if (ch.isActive() && ch.isWritable()) {
            ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Safe now: the ticker no longer runs.
        subscribers.forEach(Channel::close);
    }
}
