package io.weir.cli;

import io.weir.config.WeirConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code weir validate --config FILE}: exit 0 when valid, else 1 with one file:line:col line per problem. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a configuration file and exit.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        WeirConfig loaded = config.loadOrReport(spec.commandLine().getErr());
        if (loaded == null) {
            return 1;
        }
        spec.commandLine().getOut().println(config.file + ": ok (" + loaded.listeners().size() + " listeners, "
                + loaded.clusters().size() + " clusters)");
        return 0;
    }
}
