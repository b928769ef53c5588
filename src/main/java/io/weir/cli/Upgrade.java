package io.weir.cli;

import io.weir.config.WeirConfig;
import io.weir.runtime.HandoverClient;
import io.weir.runtime.HandoverServer;
import io.weir.runtime.ListenSockets;
import io.weir.runtime.Handover;
import io.weir.runtime.Transport;
import io.weir.runtime.Weir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code weir run --upgrade}: start a Weir on the listening sockets of the one running at the hand-over socket,
 * wait until this one is ready (listeners up, first health checks done), then tell the old one to drain.
 * Any failure before that leaves the old Weir serving as it was.
 */
final class Upgrade {

    private static final Logger log = LoggerFactory.getLogger(Upgrade.class);
    private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(10);

    private Upgrade() {
    }

    /** {@code --upgrade}'s value: whether a Weir to take over from must be running. */
    enum Mode {
        /** It must: without one, fail (exit 1). */
        REQUIRED,
        /** Take over when one runs, else start afresh: one command line for every start (systemd units). */
        IF_RUNNING
    }

    /** Reads {@code required} and {@code if-running}. */
    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.valueOf(value.trim().toUpperCase().replace('-', '_'));
        }
    }

    /** The new Weir, serving; null when the upgrade failed (said on {@code err}; the old one carries on). */
    static Weir takeOver(WeirConfig config, Path socket, Mode mode, Duration readyTimeout, PrintWriter err)
            throws InterruptedException {
        Transport transport = Transport.best();
        if (!Handover.supported(transport)) {
            if (mode == Mode.IF_RUNNING) {
                return Weir.start(config);
            }
            err.println("weir: --upgrade needs the epoll transport (Linux): sockets are handed over as file "
                    + "descriptors, which the " + transport.name() + " transport cannot receive; stop the old Weir "
                    + "and start this one instead");
            return null;
        }
        HandoverClient connected;
        try {
            connected = HandoverClient.connect(socket, EXCHANGE_TIMEOUT);
        } catch (IOException e) {
            if (mode == Mode.IF_RUNNING) {
                log.info("no Weir runs at {}: starting afresh", socket);
                return Weir.start(config);
            }
            err.println("weir: upgrade failed: " + e.getMessage());
            return null;
        }
        try (HandoverClient old = connected) {
            Weir weir;
            ListenSockets sockets = old.take();
            try {
                weir = Weir.start(config, Transport.defaultEventLoops(), sockets);
            } catch (RuntimeException e) {
                err.println("weir: upgrade failed, the old Weir (pid " + old.oldPid() + ") carries on: "
                        + e.getMessage());
                return null;
            }
            try {
                weir.whenReady().get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                err.println("weir: upgrade failed, not ready within " + readyTimeout.toSeconds()
                        + "s (first health checks); the old Weir (pid " + old.oldPid() + ") carries on");
                weir.close();
                return null;
            }
            sockets.startAccepting();
            try {
                old.ready();
            } catch (IOException e) {
                // The old one may have died meanwhile: the sockets are ours now either way, so serve.
                log.warn("upgrade: the old Weir (pid {}) did not confirm the hand-over: {}", old.oldPid(),
                        e.getMessage());
                return weir;
            }
            log.info("upgrade: took over the listening sockets of pid {}, which now drains and exits", old.oldPid());
            return weir;
        } catch (IOException e) {
            err.println("weir: upgrade failed: " + e.getMessage());
            return null;
        }
    }

    /** Serves hand-overs to the next upgrade at {@code socket}; null when it cannot (said in the log). */
    static HandoverServer serve(Weir weir, Path socket) throws InterruptedException {
        if (!Handover.supported(Transport.best())) {
            log.info("upgrades without dropping need the epoll transport (Linux); this Weir runs on {}",
                    weir.transportName());
            return null;
        }
        try {
            return HandoverServer.open(socket, weir::handoverOffers, weir.eventLoops());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot open the hand-over socket {} ({}): upgrades of this process will not be "
                    + "possible; pass --handover-socket PATH in a writable directory", socket, e.getMessage());
            return null;
        }
    }
}
