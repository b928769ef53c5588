package io.weir.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a config value with values from the environment;
 * {@code $$} is a literal {@code $}, and a {@code $} followed by anything else is kept as written. As in the
 * shell, the default is used when the variable is unset or empty. Substituted text is not scanned again.
 */
public final class EnvSubstitutor {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;

    public EnvSubstitutor(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A problem at {@link #index()}, the offset in the value where the offending {@code $} stands. */
    public static final class SubstitutionException extends IllegalArgumentException {
        private final int index;

        SubstitutionException(int index, String message) {
            super(message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    public String substitute(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
            } else if (text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (text.charAt(i + 1) == '{') {
                i = expand(text, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Expands the {@code ${…}} that starts at {@code start}; returns the index after its closing brace. */
    private int expand(String text, int start, StringBuilder out) {
        int close = text.indexOf('}', start + 2);
        if (close < 0) {
            throw new SubstitutionException(start, "unterminated '${' in '" + text + "'; write $$ for a literal $");
        }
        String body = text.substring(start + 2, close);
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
            throw new SubstitutionException(start, "'${" + body + "}' is not a variable reference; "
                    + "expected ${NAME} or ${NAME:-default}");
        }
        String value = env.get(name);
        if (value == null || (sep >= 0 && value.isEmpty())) {
            if (sep < 0) {
                throw new SubstitutionException(start, "environment variable " + name
                        + " is not set (give a default with ${" + name + ":-value})");
            }
            value = body.substring(sep + 2);
        }
        out.append(value);
        return close + 1;
    }
}
