package io.weir.health;

import java.time.Duration;

/**
 * An endpoint's latest ejection by outlier detection, kept for the admin API.
 *
 * @param reason   what the traffic showed: "5 consecutive failures, the last: status 503", "success rate …"
 * @param atMillis when, in epoch milliseconds
 * @param duration how long it lasts (base × number, capped)
 * @param number   how many times in a row, decayed by clean intervals, the endpoint has been ejected
 */
public record Ejection(String reason, long atMillis, Duration duration, int number) { }
