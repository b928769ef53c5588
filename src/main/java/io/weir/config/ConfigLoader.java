package io.weir.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a YAML file into a validated {@link WeirConfig}, or every problem with its file:line:col.
 *
 * <p>The YAML is composed into a node tree (SnakeYAML, which keeps positions), then bound by hand into the
 * records ({@link ConfigBinder}), then checked across the file ({@link ConfigValidator}). Every problem found on
 * the way is collected; a {@link ConfigException} carries them all, sorted by position.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static WeirConfig load(Path file) throws IOException, ConfigException {
        return parse(Files.readString(file), file, System.getenv());
    }

    /** Parses YAML text; {@code ${VAR}} and {@code ${VAR:-default}} are replaced from {@code env}. */
    public static WeirConfig parse(String yaml, Path file, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems(file == null ? "<config>" : file.toString());
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            problems.at(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark(), syntaxMessage(e));
            throw new ConfigException(problems.sorted());
        } catch (YAMLException e) {
            problems.at(1, 1, "invalid YAML: " + e.getMessage());
            throw new ConfigException(problems.sorted());
        }
        SourceIndex index = new SourceIndex();
        YamlReader reader = new YamlReader(problems, new EnvSubstitutor(env));
        WeirConfig config = new ConfigBinder(reader, index).bind(root, file);
        ConfigValidator.validate(index, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return config;
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
        StringBuilder message = new StringBuilder("invalid YAML: ").append(problem);
        Mark context = e.getContextMark();
        if (e.getContext() != null) {
            message.append(" (").append(e.getContext());
            if (context != null && e.getProblemMark() != null) {
                message.append(" at ").append(context.getLine() + 1).append(':').append(context.getColumn() + 1);
            }
            message.append(')');
        }
        return message.toString();
    }
}
