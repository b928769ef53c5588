package io.weir.cli;

import io.weir.config.WeirConfig;
import io.weir.runtime.Weir;
import picocli.CommandLine.Command;
import io.weir.runtime.ConfigWatcher;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code weir run --config FILE [--watch]}: serve until SIGTERM or SIGINT, then shut down gracefully (in-flight
 * requests finish, up to {@code shutdown_timeout}) and exit 0. An invalid file is refused with its problems.
 * SIGHUP reloads the file; with {@code --watch}, so does a change to it.
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

    @Override
    public Integer call() throws InterruptedException {
        WeirConfig loaded = config.loadOrReport(spec.commandLine().getErr());
        if (loaded == null) {
            return 1;
        }
        Weir weir = Weir.start(loaded);
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
            weir.shutdownGracefully(weir.config().shutdownTimeout());
        });
        return 0;
    }
}
