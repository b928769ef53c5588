package io.weir.cli;

import io.weir.config.WeirConfig;
import io.weir.runtime.Weir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code weir run --config FILE}: serve until SIGTERM or SIGINT, then shut down gracefully (in-flight requests
 * finish, up to {@code shutdown_timeout}) and exit 0. An invalid file is refused with its problems.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Serve the configured listeners.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        WeirConfig loaded = config.loadOrReport(spec.commandLine().getErr());
        if (loaded == null) {
            return 1;
        }
        Weir weir = Weir.start(loaded);
        ShutdownSignals.serveUntilStopped(() -> weir.shutdownGracefully(loaded.shutdownTimeout()));
        return 0;
    }
}
