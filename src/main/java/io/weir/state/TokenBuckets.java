package io.weir.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key, in a table of bounded size. A bucket that has refilled to full carries no information
 * (a fresh one would be the same), so when the table is full such idle buckets are dropped first; if a flood of
 * distinct keys leaves none idle, the table is cut back to 90% anyway, giving the keys dropped a fresh burst
 * rather than letting memory grow without bound.
 */
public final class TokenBuckets {

    private static final Logger log = LoggerFactory.getLogger(TokenBuckets.class);
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int maxKeys;
    private final LongSupplier nanoClock;

    public TokenBuckets(int maxKeys, LongSupplier nanoClock) {
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one token from {@code key}'s bucket (size {@code burst}, refilled at {@code perSecond}).
     *
     * @return 0 when a token was taken; else how many nanoseconds until one will be there
     */
    public long tryAcquire(String key, double perSecond, int burst) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                evict(now);
            }
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        }
        return bucket.take(now, perSecond, burst);
    }

    /** How many keys the table holds now. */
    public int size() {
        return buckets.size();
    }

    private synchronized void evict(long now) {
        if (buckets.size() < maxKeys) {
            return;
        }
        buckets.values().removeIf(b -> b.full(now));
        if (buckets.size() >= maxKeys) {
            int drop = buckets.size() - maxKeys * 9 / 10;
            log.warn("rate limit table over {} keys with none idle; dropping {} (they get a fresh burst)", maxKeys,
                    drop);
            Iterator<Bucket> it = buckets.values().iterator();
            while (drop-- > 0 && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    private static final class Bucket {
        private double tokens;
        private long last;
        private double perSecond;
        private int burst;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
        }

        synchronized long take(long now, double perSecond, int burst) {
            this.perSecond = perSecond;
            this.burst = burst;
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1e9));
        }

        private void refill(long now) {
            long elapsed = now - last;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * perSecond / 1e9);
                last = now;
            }
        }

        /** Refilled to the brim by now: dropping it changes nothing. */
        synchronized boolean full(long now) {
            return tokens + Math.max(0, now - last) * perSecond / 1e9 >= burst;
        }
    }
}
