package io.weir.config;

/**
 * The HTTP syntax rules that config validation and the proxy's byte scanners share (RFC 9110 §5.5, §5.6.2), so a
 * name or value the config accepts is one the proxy would accept on the wire. Characters and bytes alike: a
 * byte is passed as its signed value, so obs-text (0x80-0xff) is negative here, never a control, never a token.
 */
public final class HttpSyntax {

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpSyntax() {
    }

    /** A tchar: what header names, methods and other tokens are made of. */
    public static boolean isTokenChar(int c) {
        return c >= 0 && c < TCHAR.length && TCHAR[c];
    }

    public static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTokenChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** SP or HTAB: the optional whitespace around field values and list elements (RFC 9110 §5.6.3). */
    public static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /** A control a field value may not carry: CTL but HTAB (a line break would end the field early). */
    public static boolean isForbiddenControl(int c) {
        return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
    }
}
