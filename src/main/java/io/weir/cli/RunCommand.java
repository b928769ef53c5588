package io.weir.cli;

import io.weir.config.WeirConfig;
import io.weir.runtime.Weir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code weir run --config FILE}: serve until stopped. An invalid file is refused with its problems. */
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
        serveUntilShutdown(weir);
        return 0;
    }

    static void serveUntilShutdown(AutoCloseable... running) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable c : running) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Shutting down anyway; nothing better to do with it.
                }
            }
            stopped.countDown();
        }, "weir-shutdown"));
        stopped.await();
    }
}
