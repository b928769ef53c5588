package io.weir.proxy.http.sticky;

import io.weir.runtime.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The application-cookie sessions this node knows, session key → endpoint id, in a table of bounded size. An entry
 * unused for the idle time is gone (dropped when next read). When the table is full, idle entries are swept out
 * first; if a flood of distinct sessions leaves none idle, the table is cut back to 90% anyway, in no particular
 * order (close to random), rather than letting memory grow without bound: the sessions dropped are balanced afresh
 * on their next request (and found again in the shared store, when there is one). Read and written from every
 * event loop without locks; only the rare cut is serialised. Its tallies live here too, so that they carry on
 * across a reload that keeps the table.
 */
public final class AppCookieTable {

    private static final Logger log = LoggerFactory.getLogger(AppCookieTable.class);
    private static final ThrottledLog TABLE_FULL = ThrottledLog.warn(log,
            "application-cookie session table full ({} sessions, none idle); dropping {} (balanced afresh "
            + "on their next request; raise sticky.max_entries if this repeats)");

    /**
     * One session: where it is pinned, whether firmly, when it was last used, and when its shared copy is next
     * refreshed. A pin is firm when a backend set the cookie there or the session was moved there from an endpoint
     * that could not take it; it is tentative when a session nobody knew was merely balanced there, and then yields
     * to a firm pin another node holds.
     */
    static final class Entry {
        final String endpointId;
        final boolean firm;
        volatile long lastSeenNanos;
        volatile long shareAtNanos;

        Entry(String endpointId, boolean firm, long now, long shareAtNanos) {
            this.endpointId = endpointId;
            this.firm = firm;
            this.lastSeenNanos = now;
            this.shareAtNanos = shareAtNanos;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long idleNanos;
    private final LongSupplier nanoClock;
    private final LongAdder evicted = new LongAdder();
    final LongAdder repinned = new LongAdder();
    final LongAdder learned = new LongAdder();
    final LongAdder foundShared = new LongAdder();

    AppCookieTable(int maxEntries, long idleNanos, LongSupplier nanoClock) {
        this.maxEntries = maxEntries;
        this.idleNanos = idleNanos;
        this.nanoClock = nanoClock;
    }

    long now() {
        return nanoClock.getAsLong();
    }

    /** The live entry of {@code key}, marked as used now; null when there is none or it was idle too long. */
    Entry use(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        long now = now();
        if (now - e.lastSeenNanos >= idleNanos) {
            entries.remove(key, e);
            return null;
        }
        e.lastSeenNanos = now;
        return e;
    }

    /** Pins {@code key} to {@code endpointId}, replacing what was there; the new entry. */
    Entry put(String key, String endpointId, boolean firm, long shareAtNanos) {
        long now = now();
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            cut(now);
        }
        Entry e = new Entry(endpointId, firm, now, shareAtNanos);
        entries.put(key, e);
        return e;
    }

    /** Replaces {@code expected} (only if it is still the entry of {@code key}) by a pin to {@code endpointId}. */
    void replace(String key, Entry expected, String endpointId, boolean firm) {
        Entry next = new Entry(endpointId, firm, expected.lastSeenNanos, expected.shareAtNanos);
        entries.replace(key, expected, next);
    }

    void remove(String key) {
        entries.remove(key);
    }

    private synchronized void cut(long now) {
        if (entries.size() < maxEntries) {
            return;
        }
        entries.values().removeIf(e -> now - e.lastSeenNanos >= idleNanos);
        if (entries.size() >= maxEntries) {
            int drop = entries.size() - maxEntries * 9 / 10;
            TABLE_FULL.log(entries.size(), drop);
            Iterator<Entry> it = entries.values().iterator();
            while (drop-- > 0 && it.hasNext()) {
                it.next();
                it.remove();
                evicted.increment();
            }
        }
    }

    /** Sessions in the table (idle ones included until they are swept). */
    public int size() {
        return entries.size();
    }

    /** Sessions dropped, not idle, because the table was full. */
    public long evicted() {
        return evicted.sum();
    }

    /** Sessions moved to another endpoint because theirs was unhealthy, ejected, drained or gone. */
    public long repinned() {
        return repinned.sum();
    }

    /** Session values learned from a backend's Set-Cookie (new, or now on another endpoint). */
    public long learned() {
        return learned.sum();
    }

    /** Sessions found in the shared store that this node had not seen there: learned or moved by another node. */
    public long foundShared() {
        return foundShared.sum();
    }

    int maxEntries() {
        return maxEntries;
    }

    long idleNanos() {
        return idleNanos;
    }
}
