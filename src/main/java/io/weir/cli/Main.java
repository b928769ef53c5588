package io.weir.cli;

/** Entry point of {@code weir}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("weir");
    }
}
