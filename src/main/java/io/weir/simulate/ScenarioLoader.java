package io.weir.simulate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Reads scenarios from YAML (or JSON, which is YAML too) files and from the built-ins under
 * {@code scenarios/} on the classpath, listed in {@code scenarios/index.txt}. Unknown keys are errors,
 * as everywhere in Weir.
 */
public final class ScenarioLoader {

    private static final String BUILTIN_DIR = "scenarios/";

    private final ObjectMapper mapper = JsonMapper.builder(new YAMLFactory())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
                @Override
                public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                    return Durations.parse(p.getValueAsString());
                }
            }))
            .build();

    /** A built-in's name, or a path to a file. */
    public Scenario load(String nameOrPath) throws IOException {
        if (builtins().contains(nameOrPath)) {
            try (InputStream in = resource(BUILTIN_DIR + nameOrPath + ".yaml")) {
                return mapper.readValue(in, Scenario.class);
            }
        }
        return mapper.readValue(Files.readString(Path.of(nameOrPath)), Scenario.class);
    }

    /** The built-in scenarios' names, in the index's order. */
    public List<String> builtins() {
        try (InputStream in = resource(BUILTIN_DIR + "index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("no built-in resource " + name);
        }
        return in;
    }
}
