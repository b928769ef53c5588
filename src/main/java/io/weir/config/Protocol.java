package io.weir.config;

/** What a listener speaks. */
public enum Protocol { HTTP, TCP, UDP }
