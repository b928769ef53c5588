package io.weir.accesslog;

import io.weir.config.AccessLogConfig;
import io.weir.proxy.http.RequestObserver;
import io.weir.proxy.http.RequestOutcome;
import io.weir.proxy.l4.ConnectionObserver;
import io.weir.proxy.l4.ConnectionOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line per request (or, for {@code l4_access_log}, per tcp connection and udp flow), written by its own thread. The event loop only offers the outcome to a bounded
 * queue: when the writer falls behind, lines are dropped and counted rather than buffered without bound
 * or waited for. {@link #reopen()} (SIGUSR1) reopens the file after logrotate moved it.
 */
public final class AccessLog implements RequestObserver, ConnectionObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** Formats what {@link #queue} holds: requests, or connections for an L4 log. */
    private final AccessLogFormat<Object> format;
    private final String path;
    private final BlockingQueue<Object> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writerThread;
    private volatile boolean reopen;
    private volatile boolean closed;
    private Writer out;

    public AccessLog(AccessLogConfig config) throws IOException {
        this(config, AccessLogFormat.of(config.format()));
    }

    /** The L4 access log: one line per tcp connection and udp flow, with {@code config}'s L4 format. */
    public static AccessLog forConnections(AccessLogConfig config) throws IOException {
        return new AccessLog(config, AccessLogFormat.connections(config.format()));
    }

    @SuppressWarnings("unchecked")
    private AccessLog(AccessLogConfig config, AccessLogFormat<?> format) throws IOException {
        this.format = (AccessLogFormat<Object>) format;
        this.path = config.path();
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.out = open();
        this.writerThread = new Thread(this::writeLoop, "weir-access-log");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    @Override
    public void requestEnded(RequestOutcome outcome) {
        offer(outcome);
    }

    @Override
    public void connectionEnded(ConnectionOutcome outcome) {
        offer(outcome);
    }

    private void offer(Object outcome) {
        if (!queue.offer(outcome)) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the writer was behind. */
    public long dropped() {
        return dropped.get();
    }

    public long written() {
        return written.get();
    }

    /** Reopens the file on the writer thread before its next line (logrotate's postrotate). */
    public void reopen() {
        reopen = true;
    }

    private Writer open() throws IOException {
        if (path.equals(AccessLogConfig.STDOUT)) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        }
        return Files.newBufferedWriter(Path.of(path), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void writeLoop() {
        while (!closed || !queue.isEmpty()) {
            try {
                Object o = queue.poll(200, TimeUnit.MILLISECONDS);
                if (reopen) {
                    reopen = false;
                    reopenNow();
                }
                if (o == null) {
                    continue;
                }
                out.write(format.format(o));
                out.write('\n');
                written.incrementAndGet();
                if (queue.isEmpty()) {
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                log.warn("access log {}: write failed: {}", path, e.getMessage());
            }
        }
    }

    private void reopenNow() {
        if (path.equals(AccessLogConfig.STDOUT)) {
            return;
        }
        try {
            out.close();
            out = open();
            log.info("access log {} reopened", path);
        } catch (IOException e) {
            log.warn("access log {}: reopen failed: {}", path, e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writerThread.join(TimeUnit.SECONDS.toMillis(5));
            out.flush();
            if (!path.equals(AccessLogConfig.STDOUT)) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("access log {}: close failed: {}", path, e.getMessage());
        }
    }
}
