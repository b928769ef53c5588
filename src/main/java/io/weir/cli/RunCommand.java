package io.weir.cli;

import io.weir.config.WeirConfig;
import io.weir.runtime.Weir;
import picocli.CommandLine.Command;
import io.weir.runtime.ConfigWatcher;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import io.weir.runtime.Handover;
import io.weir.runtime.HandoverServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code weir run --config FILE [--watch]}: serve until SIGTERM or SIGINT, then shut down gracefully (in-flight
 * requests finish, up to {@code shutdown_timeout}) and exit 0. An invalid file is refused with its problems.
 * SIGHUP reloads the file; with {@code --watch}, so does a change to it. With {@code --upgrade} it takes the
 * listening sockets over from the Weir already running (docs/operations.md), which then drains and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Serve the configured listeners.")
final class RunCommand implements Callable<Integer> {

    /** A save often writes in several steps; reload once they settle. */
    private static final Duration WATCH_DEBOUNCE = Duration.ofMillis(300);

    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Option(names = "--watch", negatable = true, defaultValue = "false",
            description = "Reload when the config file changes (default: off; SIGHUP and POST /api/reload always work).")
    boolean watch;

    @Option(names = "--upgrade", arity = "0..1", fallbackValue = "required", paramLabel = "required|if-running",
            converter = Upgrade.ModeConverter.class,
            description = "Take the listening sockets over from the Weir running at the hand-over socket, then "
                    + "let it drain and exit: an upgrade without dropping a request (Linux). With =if-running, "
                    + "start afresh when none runs there.")
    Upgrade.Mode upgrade;

    @Option(names = "--handover-socket", paramLabel = "PATH",
            description = "Unix socket where this Weir hands its listening sockets to a `weir run --upgrade` "
                    + "(default: <config>.sock beside the config file).")
    Path handoverSocket;

    @Option(names = "--upgrade-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long --upgrade waits for this Weir to be ready before giving up (default: 60s).")
    Duration upgradeTimeout;

    @Override
    public Integer call() throws InterruptedException {
        WeirConfig loaded = config.loadOrReport(spec.commandLine().getErr());
        if (loaded == null) {
            return 1;
        }
        Path socket = handoverSocket != null ? handoverSocket : Handover.defaultSocket(loaded.source());
        Weir weir;
        if (upgrade != null) {
            weir = Upgrade.takeOver(loaded, socket, upgrade, upgradeTimeout, spec.commandLine().getErr());
            if (weir == null) {
                return 1;
            }
        } else {
            weir = Weir.start(loaded);
        }
        HandoverServer handover = Upgrade.serve(weir, socket);
        CompletableFuture<Void> handedOver = handover == null ? new CompletableFuture<>() : handover.handedOver();
        ReloadSignal.install(weir);
        ConfigWatcher watcher = null;
        if (watch) {
            try {
                watcher = ConfigWatcher.watch(weir, WATCH_DEBOUNCE);
            } catch (IOException e) {
                spec.commandLine().getErr().println("weir: cannot watch " + loaded.source() + ": " + e.getMessage());
            }
        }
        ConfigWatcher w = watcher;
        ShutdownSignals.serveUntilStopped(() -> {
            if (w != null) {
                w.close();
            }
            if (handedOver.isDone()) {
                weir.drainAfterHandover(weir.config().shutdownTimeout());
            } else {
                if (handover != null) {
                    handover.close();
                }
                weir.shutdownGracefully(weir.config().shutdownTimeout());
            }
        }, handedOver);
        return 0;
    }
}
