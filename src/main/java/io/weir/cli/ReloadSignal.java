package io.weir.cli;

import io.weir.runtime.Weir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** SIGHUP reloads the config file, as with nginx and HAProxy. */
final class ReloadSignal {

    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    static void install(Weir weir) {
        try {
            Signal.handle(new Signal("HUP"), s -> {
                log.info("SIGHUP received: reloading {}", weir.config().source());
                // Off the signal thread; the outcome is logged by the reload itself.
                weir.reloadAsync();
            });
        } catch (IllegalArgumentException e) {
            log.warn("cannot handle SIGHUP ({}); reload through the admin API instead", e.getMessage());
        }
    }
}
