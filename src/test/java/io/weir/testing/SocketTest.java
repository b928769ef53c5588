package io.weir.testing;

import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/** Base of tests that start backends, Weirs and clients: everything tracked is closed after each test, newest first. */
public abstract class SocketTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    protected <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void closeTracked() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }
}
