package io.mpgs;

/** This package's version, which the libmpgs it loads must have (written by scripts/dist-languages.sh). */
public final class Version {
    /** "MAJOR.MINOR.PATCH", the workspace's version. */
    public static final String VERSION = "0.1.0";

    private Version() {
    }
}
