package io.weir.testing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that keeps sessions in its own memory, like a servlet container: a request without a session it knows
 * gets a new one ({@code Set-Cookie: JSESSIONID=NAME-N}); {@code /logout} deletes it ({@code Max-Age=0});
 * {@code /healthz} fails while {@link #sick} is set. The body is {@code NAME} and, after a space, the session the
 * request was served in ("new" when it got a fresh one).
 */
public final class SessionBackend implements AutoCloseable {

    public static final String COOKIE = "JSESSIONID";

    private final String name;
    private final TestBackend backend;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    public final AtomicBoolean sick = new AtomicBoolean();

    private SessionBackend(String name) throws InterruptedException {
        this.name = name;
        this.backend = TestBackend.start(this::answer);
    }

    public static SessionBackend start(String name) throws InterruptedException {
        return new SessionBackend(name);
    }

    private TestBackend.Reply answer(TestBackend.Received r) {
        if (r.uri().equals("/healthz")) {
            return sick.get() ? TestBackend.Reply.of(503, "sick") : TestBackend.Reply.text("ok");
        }
        String session = session(r);
        if (r.uri().equals("/logout") && session != null) {
            sessions.remove(session);
            return TestBackend.Reply.text(name + " bye").header("Set-Cookie", COOKIE + "=; Max-Age=0; Path=/");
        }
        if (session != null) {
            return TestBackend.Reply.text(name + " " + session);
        }
        String fresh = name + "-" + next.incrementAndGet();
        sessions.add(fresh);
        return TestBackend.Reply.text(name + " new").header("Set-Cookie", COOKIE + "=" + fresh + "; Path=/; HttpOnly");
    }

    /** The request's session when this backend knows it. */
    private String session(TestBackend.Received r) {
        String header = r.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(COOKIE) && sessions.contains(c.value())) {
                return c.value();
            }
        }
        return null;
    }

    public String name() {
        return name;
    }

    public String address() {
        return backend.address();
    }

    public void stop() {
        backend.close();
    }

    @Override
    public void close() {
        backend.close();
    }
}
