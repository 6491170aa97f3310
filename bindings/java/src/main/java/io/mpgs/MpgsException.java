package io.mpgs;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A failed call: every field of the C library's mpgs_error. Never holds a secret. */
public final class MpgsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The C library's mpgs_status, in its stable order. */
    public enum Status {
        OK, INVALID_ARGUMENT, CONFIG, VALIDATION, GATEWAY, AUTHENTICATION, DECODE, CONNECT, TLS, TIMEOUT, IO,
        NOT_FOUND, INTERNAL, UNKNOWN;

        static Status of(int n) {
            return n >= 0 && n < UNKNOWN.ordinal() ? values()[n] : UNKNOWN;
        }
    }

    /** Where a call failed. */
    public enum Stage {
        UNKNOWN, NOT_SENT, ANSWERED, UNANSWERED;

        static Stage of(int n) {
            return n >= 0 && n < values().length ? values()[n] : UNKNOWN;
        }
    }

    /** One field problem of a refused request. */
    public static final class FieldError {
        public final String field;
        public final String validationType;
        public final String explanation;

        FieldError(String field, String validationType, String explanation) {
            this.field = field;
            this.validationType = validationType;
            this.explanation = explanation;
        }

        @Override
        public String toString() {
            return field + " (" + validationType + "): " + explanation;
        }
    }

    public final Status status;
    public final Stage stage;
    public final int httpStatus;
    public final boolean outcomeUnknown;
    public final int attempts;
    /** The gateway's error.cause ({@code INVALID_REQUEST}, ...); null when absent. */
    public final String gatewayCause;
    public final String field;
    public final String validationType;
    public final String explanation;
    public final String supportCode;
    public final String gatewayJson;
    public final List<FieldError> fieldErrors;

    private MpgsException(int status, Pointer e) {
        super(e != null ? Native.LIB.mpgs_error_message(e) : Native.LIB.mpgs_status_name(status));
        Native n = Native.LIB;
        this.status = Status.of(e != null ? n.mpgs_error_status(e) : status);
        this.stage = e != null ? Stage.of(n.mpgs_error_stage(e)) : Stage.UNKNOWN;
        this.httpStatus = e != null ? Short.toUnsignedInt(n.mpgs_error_http_status(e)) : 0;
        this.outcomeUnknown = e != null && n.mpgs_error_outcome_unknown(e) != 0;
        this.attempts = e != null ? n.mpgs_error_attempts(e) : 0;
        this.gatewayCause = e != null ? n.mpgs_error_cause(e) : null;
        this.field = e != null ? n.mpgs_error_field(e) : null;
        this.validationType = e != null ? n.mpgs_error_validation_type(e) : null;
        this.explanation = e != null ? n.mpgs_error_explanation(e) : null;
        this.supportCode = e != null ? n.mpgs_error_support_code(e) : null;
        this.gatewayJson = e != null ? n.mpgs_error_gateway_json(e) : null;
        List<FieldError> list = new ArrayList<>();
        long count = e != null ? n.mpgs_error_field_error_count(e).longValue() : 0;
        for (long i = 0; i < count; i++) {
            Native.FieldErrorStruct fe = new Native.FieldErrorStruct();
            if (n.mpgs_error_field_error(e, new Native.SizeT(i), fe) == 0) {
                list.add(new FieldError(fe.field, fe.validation_type, fe.explanation));
            }
        }
        this.fieldErrors = Collections.unmodifiableList(list);
    }

    // A string refused before it reaches C (a U+0000 in it): INVALID_ARGUMENT, naming it.
    private MpgsException(String field, String message) {
        super(message);
        this.status = Status.INVALID_ARGUMENT;
        this.stage = Stage.NOT_SENT;
        this.httpStatus = 0;
        this.outcomeUnknown = false;
        this.attempts = 0;
        this.gatewayCause = null;
        this.field = field;
        this.validationType = null;
        this.explanation = null;
        this.supportCode = null;
        this.gatewayJson = null;
        this.fieldErrors = Collections.emptyList();
    }

    /**
     * Refuses a string holding a U+0000: C would read it only up to there
     * ({@code deleteToken("<token>\0/../x")} would delete {@code <token>}), so it is never cut,
     * and nothing is sent.
     */
    static void refuseNul(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new MpgsException(field, "mpgs: " + field + " contains a NUL character (U+0000), which a C string cannot hold");
        }
    }

    /** Copies the C error into an exception and releases it. */
    static MpgsException take(int status, Pointer e) {
        try {
            return new MpgsException(status, e);
        } finally {
            Native.LIB.mpgs_error_free(e);
        }
    }
}
