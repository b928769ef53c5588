package io.weir.cli;

import io.weir.config.ConfigError;
import io.weir.config.ConfigException;
import io.weir.config.ConfigLoader;
import io.weir.config.WeirConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code --config FILE}, shared by the commands that read a config; prints every problem as file:line:col. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file")
    Path file;

    /** The loaded config, or null after printing why it could not be loaded. */
    WeirConfig loadOrReport(PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
        }
        err.flush();
        return null;
    }
}
