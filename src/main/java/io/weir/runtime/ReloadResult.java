package io.weir.runtime;

import java.util.List;

/**
 * What a reload did: applied, or refused with every reason ({@code file:line:col: message} for a config that
 * does not validate). A refused reload changed nothing.
 */
public record ReloadResult(boolean ok, List<String> errors, List<String> changes) {

    public ReloadResult {
        errors = List.copyOf(errors);
        changes = List.copyOf(changes);
    }

    static ReloadResult applied(List<String> changes) {
        return new ReloadResult(true, List.of(), changes);
    }

    public static ReloadResult failed(List<String> errors) {
        return new ReloadResult(false, errors, List.of());
    }
}
