package io.weir.cli;

import io.weir.config.DurationParser;
import picocli.CommandLine.ITypeConverter;

import java.time.Duration;

/** Durations on the command line are written as in the config: {@code 250ms}, {@code 5s}, {@code 1m}. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return DurationParser.parse(value);
    }
}
