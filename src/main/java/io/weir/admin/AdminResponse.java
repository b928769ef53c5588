package io.weir.admin;

import java.nio.charset.StandardCharsets;

/** An admin API answer before it is written: status, content type, body. */
record AdminResponse(int status, String contentType, byte[] body) {

    static AdminResponse text(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
