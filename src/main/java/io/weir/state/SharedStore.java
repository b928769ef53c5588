package io.weir.state;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What every Weir node sees, for state a node also keeps itself (learned sticky sessions, endpoint drain flags).
 * Unlike {@link StateStore}'s calls, these complete exceptionally when the store is unreachable or slower than its
 * deadline: the caller then knows its local view was not shared, keeps serving from it, and shares it again later.
 * Every call is non-blocking and has a deadline.
 */
public interface SharedStore {

    /** The value under {@code key}, if there and not expired. */
    CompletionStage<Optional<String>> get(String key);

    /** The value under {@code key}, its expiry pushed to {@code ttl} from now (GETEX). */
    CompletionStage<Optional<String>> touch(String key, Duration ttl);

    /** Puts {@code value} under {@code key} for {@code ttl}, replacing what was there. */
    CompletionStage<Void> put(String key, String value, Duration ttl);

    /** Puts {@code value} under {@code key} for {@code ttl} unless a value is there; whether it was put. */
    CompletionStage<Boolean> putIfAbsent(String key, String value, Duration ttl);

    CompletionStage<Void> delete(String key);

    /** Every field of the hash {@code hash} (empty when there is none). Hash fields do not expire. */
    CompletionStage<Map<String, String>> hashEntries(String hash);

    CompletionStage<Void> hashPut(String hash, String field, String value);

    /** Puts {@code field} unless it is there; whether it was put. */
    CompletionStage<Boolean> hashPutIfAbsent(String hash, String field, String value);
}
