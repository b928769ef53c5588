package io.weir.health;

/** One check's outcome, with what was seen: "status 200", "connection refused", "timeout after 1s". */
record ProbeResult(boolean passed, String detail) {

    static ProbeResult pass(String detail) {
        return new ProbeResult(true, detail);
    }

    static ProbeResult fail(String detail) {
        return new ProbeResult(false, detail);
    }
}
