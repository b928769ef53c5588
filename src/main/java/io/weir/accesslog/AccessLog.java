package io.weir.accesslog;

import io.weir.config.AccessLogConfig;
import io.weir.proxy.http.RequestObserver;
import io.weir.proxy.http.RequestOutcome;
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
 * One line per request, written by its own thread. The event loop only offers the outcome to a bounded
 * queue: when the writer falls behind, lines are dropped and counted rather than buffered without bound
 * or waited for. {@link #reopen()} (SIGUSR1) reopens the file after logrotate moved it.
 */
public final class AccessLog implements RequestObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    private final AccessLogFormat format;
    private final String path;
    private final BlockingQueue<RequestOutcome> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writerThread;
    private volatile boolean reopen;
    private volatile boolean closed;
    private Writer out;

    public AccessLog(AccessLogConfig config) throws IOException {
        this.format = AccessLogFormat.of(config.format());
        this.path = config.path();
        this.queue = new ArrayBlockingQueue<>(config.queueSize());
        this.out = open();
        this.writerThread = new Thread(this::writeLoop, "weir-access-log");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    @Override
    public void requestEnded(RequestOutcome outcome) {
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
                RequestOutcome o = queue.poll(200, TimeUnit.MILLISECONDS);
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
