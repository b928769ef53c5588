package io.weir.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every {@link ConfigError} found while loading one file; positions are 1-based. */
final class Problems {

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void at(Node node, String message) {
        at(node.getStartMark(), message);
    }

    void at(Mark mark, String message) {
        if (mark == null) {
            at(1, 1, message);
        } else {
            at(mark.getLine() + 1, mark.getColumn() + 1, message);
        }
    }

    /** {@code line} and {@code column} are 1-based. */
    void at(int line, int column, String message) {
        errors.add(new ConfigError(file, line, column, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Every problem, in file order (stable for problems at the same position). */
    List<ConfigError> sorted() {
        List<ConfigError> copy = new ArrayList<>(errors);
        copy.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return List.copyOf(copy);
    }
}
