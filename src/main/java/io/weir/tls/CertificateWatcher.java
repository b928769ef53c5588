package io.weir.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Re-reads a listener's certificates when their files change. Polls modification times (and the real
 * path, so a symlink swapped by a secret manager counts) on a thread of its own: file I/O never runs on
 * an event loop, and polling works where file-system events do not (mounted volumes, symlink swaps).
 */
public final class CertificateWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-cert-watch");
        t.setDaemon(true);
        return t;
    });

    /** Starts watching the files of {@code tls}, until {@link ServerTls#stopWatching}. */
    public void watch(ServerTls tls) {
        List<Path> files = new ArrayList<>();
        tls.config().certificates().forEach(c -> {
            files.add(c.cert());
            files.add(c.key());
        });
        List<String> seen = new ArrayList<>(stamps(files));
        long every = tls.config().reloadCheckInterval().toMillis();
        tls.watchedBy(thread.scheduleWithFixedDelay(() -> {
            List<String> now = stamps(files);
            if (!now.equals(seen)) {
                seen.clear();
                seen.addAll(now);
                log.info("certificate files changed: {}", files);
                tls.reload();
            }
        }, every, every, TimeUnit.MILLISECONDS));
    }

    private static List<String> stamps(List<Path> files) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            try {
                FileTime modified = Files.getLastModifiedTime(f);
                out.add(f.toRealPath() + "@" + modified.toMillis() + "/" + Files.size(f));
            } catch (IOException e) {
                out.add(f + "@missing");
            }
        }
        return out;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
