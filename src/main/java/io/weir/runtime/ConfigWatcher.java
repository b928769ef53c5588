package io.weir.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Reloads when the config file changes. The file's directory is watched (editors and config management often
 * replace a file by renaming a new one over it, which a watch on the file itself would miss); events are
 * debounced, so a save that writes in several steps reloads once, and a file whose bytes did not change
 * reloads nothing.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Duration debounce;
    private final Runnable reload;
    private final WatchService watch;
    private final Thread thread;
    private byte[] lastSeen;

    private ConfigWatcher(Path file, Duration debounce, Runnable reload) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.debounce = debounce;
        this.reload = reload;
        this.watch = this.file.getFileSystem().newWatchService();
        this.lastSeen = read();
        this.file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = new Thread(this::run, "weir-config-watch");
        thread.setDaemon(true);
    }

    /** Watches {@code file}; {@code reload} runs on the watch thread after the file changed and settled. */
    public static ConfigWatcher start(Path file, Duration debounce, Runnable reload) throws IOException {
        ConfigWatcher w = new ConfigWatcher(file, debounce, reload);
        w.thread.start();
        log.info("watching {} for changes (reload {}ms after the last write)", w.file, debounce.toMillis());
        return w;
    }

    /** Watches the file {@code weir} was started from and reloads it when it changes. */
    public static ConfigWatcher watch(Weir weir, Duration debounce) throws IOException {
        return start(weir.config().source(), debounce, () -> weir.reloadAsync().join());
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = pollOurs(key);
                // Debounce: keep draining events until the directory has been quiet for the whole interval.
                while (true) {
                    WatchKey more = watch.poll(debounce.toMillis(), TimeUnit.MILLISECONDS);
                    if (more == null) {
                        break;
                    }
                    ours |= pollOurs(more);
                }
                if (ours) {
                    byte[] now = read();
                    if (now != null && !Arrays.equals(now, lastSeen)) {
                        lastSeen = now;
                        log.info("{} changed; reloading", file);
                        reload.run();
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed.
        } catch (RuntimeException e) {
            log.error("config watch of {} stopped: {}", file, e.toString());
        }
    }

    private boolean pollOurs(WatchKey key) {
        boolean ours = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path p && p.equals(file.getFileName())) {
                ours = true;
            } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                ours = true;
            }
        }
        key.reset();
        return ours;
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // Mid-rename, or deleted: the next event will tell.
            return null;
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the config watch: {}", e.toString());
        }
        thread.interrupt();
    }
}
