package io.weir.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's changes on disk: {@code <config>.state.json} beside the config file, read at start, written
 * (to a temporary file renamed over it, so a crash never leaves half a file) after every change.
 *
 * <pre>{"version": 1, "clusters": {"app": {"weights": {"10.0.0.7:8080": 3}, "removed": ["10.0.0.5:8080"],
 *                                     "drained": ["10.0.0.6:8080"]}}}</pre>
 * ({@code drained} is absent from files written before drains persisted; it reads as none.)
 */
final class StateFile {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StateFile() {
    }

    /** Where the state of {@code config} lives; null when the config has no file on disk (tests, embedded). */
    static Path beside(Path config) {
        if (config == null || !Files.isRegularFile(config)) {
            return null;
        }
        return config.resolveSibling(config.getFileName() + ".state.json");
    }

    static Overlay read(Path file) throws IOException {
        if (file == null || !Files.exists(file)) {
            return Overlay.EMPTY;
        }
        JsonNode root = MAPPER.readTree(file.toFile());
        Map<String, Overlay.Edits> clusters = new LinkedHashMap<>();
        JsonNode cs = root.path("clusters");
        for (var it = cs.fields(); it.hasNext(); ) {
            var entry = it.next();
            Map<String, Integer> weights = new LinkedHashMap<>();
            for (var w = entry.getValue().path("weights").fields(); w.hasNext(); ) {
                var we = w.next();
                if (!we.getValue().canConvertToInt()) {
                    throw new IOException(file + ": weight of " + we.getKey() + " is not a number");
                }
                weights.put(normalize(file, we.getKey()), we.getValue().intValue());
            }
            Set<String> removed = new LinkedHashSet<>();
            entry.getValue().path("removed").forEach(r -> removed.add(r.asText()));
            Set<String> drained = new LinkedHashSet<>();
            for (JsonNode d : entry.getValue().path("drained")) {
                drained.add(normalize(file, d.asText()));
            }
            clusters.put(entry.getKey(), new Overlay.Edits(weights, removed, drained));
        }
        return new Overlay(clusters);
    }

    private static String normalize(Path file, String address) throws IOException {
        try {
            return Overlay.normalize(address);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    static void write(Path file, Overlay overlay) throws IOException {
        Map<String, Object> clusters = new LinkedHashMap<>();
        overlay.clusters().forEach((name, e) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("weights", new java.util.TreeMap<>(e.weights()));
            c.put("removed", new java.util.TreeSet<>(e.removed()));
            c.put("drained", new java.util.TreeSet<>(e.drained()));
            clusters.put(name, c);
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("clusters", clusters);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        MAPPER.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
