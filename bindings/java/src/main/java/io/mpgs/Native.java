package io.mpgs;

import com.sun.jna.Callback;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.File;
import java.io.IOException;
import java.util.Map;

/**
 * JNA declarations matching include/mpgs.h, bound to the library this jar carries
 * ({@code linux-x86-64/libmpgs.so}, JNA's resource path for the platform), which JNA extracts to
 * {@code jna.tmpdir} (default {@code ~/.cache/JNA/temp}; set {@code -Djna.tmpdir=} when that is
 * mounted noexec). The {@code mpgs.library} system property or the {@code MPGS_LIBRARY}
 * environment variable names another file instead (a system-wide install). Either way
 * {@code mpgs_version()} must be this package's version. A libmpgs installed on the system's
 * library path is never picked up by accident: the jar's copy is loaded by its absolute path. Handles are {@link Pointer}s, out-arguments
 * {@link PointerByReference}s. C {@code bool} returns are read as {@code byte} (JNA's
 * {@code boolean} is a 4-byte int), and string arguments are passed as NUL-terminated UTF-8
 * {@code byte[]} so that the wrapper can wipe copies of card numbers.
 */
interface Native extends Library {
    Native LIB = Loader.load();

    /** Finds, loads and checks the library (see the interface's comment). */
    final class Loader {
        /** The file loaded. */
        static String path;

        private Loader() {
        }

        static Native load() {
            String path = System.getProperty("mpgs.library");
            if (path == null || path.isEmpty()) path = System.getenv("MPGS_LIBRARY");
            if (path == null || path.isEmpty()) {
                try {
                    File f = com.sun.jna.Native.extractFromResourcePath("mpgs", Native.class.getClassLoader());
                    path = f.getAbsolutePath();
                } catch (IOException e) {
                    throw new UnsatisfiedLinkError("mpgs: this jar carries no libmpgs for "
                            + com.sun.jna.Platform.RESOURCE_PREFIX + " (" + e.getMessage()
                            + "); set -Dmpgs.library or MPGS_LIBRARY to a libmpgs " + Version.VERSION);
                }
            }
            Native lib = com.sun.jna.Native.load(path, Native.class,
                    Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
            String loaded = lib.mpgs_version();
            if (!Version.VERSION.equals(loaded)) {
                throw new UnsatisfiedLinkError("mpgs: libmpgs " + loaded + " loaded from " + path
                        + ", this package is " + Version.VERSION);
            }
            Loader.path = path;
            return lib;
        }
    }

    /** C size_t. */
    final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(com.sun.jna.Native.SIZE_T_SIZE, value, true);
        }
    }

    /** struct mpgs_field_error, written by mpgs_error_field_error. */
    @Structure.FieldOrder({"field", "validation_type", "explanation"})
    final class FieldErrorStruct extends Structure {
        public String field;
        public String validation_type;
        public String explanation;
    }

    /** struct mpgs_call_event, read from the pointer an observer receives. */
    @Structure.FieldOrder({"operation", "operation_name", "method", "path", "api_version", "http_status", "attempts",
            "elapsed_us", "outcome_unknown", "status", "stage"})
    final class CallEventStruct extends Structure {
        public int operation;
        public Pointer operation_name;
        public Pointer method;
        public Pointer path;
        public int api_version;
        public short http_status;
        public int attempts;
        public long elapsed_us;
        public byte outcome_unknown;
        public int status;
        public int stage;

        public CallEventStruct(Pointer p) {
            super(p);
            read();
        }
    }

    /** mpgs_call_observer: called on the thread that made the call, with the event and user_data. */
    interface CallObserver extends Callback {
        void invoke(Pointer event, Pointer userData);
    }

    String mpgs_version();
    String mpgs_status_name(int status);

    int mpgs_config_new(byte[] merchantId, PointerByReference config, PointerByReference err);
    int mpgs_config_set_password(Pointer config, byte[] password, PointerByReference err);
    int mpgs_config_set_certificate_files(Pointer config, byte[] cert, byte[] key, PointerByReference err);
    int mpgs_config_set_base_url(Pointer config, byte[] url, PointerByReference err);
    int mpgs_config_set_region(Pointer config, byte[] region, PointerByReference err);
    int mpgs_config_add_ca_file(Pointer config, byte[] caFile, PointerByReference err);
    int mpgs_config_set_connect_timeout_ms(Pointer config, int ms, PointerByReference err);
    int mpgs_config_set_timeout_ms(Pointer config, int ms, PointerByReference err);
    int mpgs_config_set_max_retries(Pointer config, int retries, PointerByReference err);
    int mpgs_config_set_proxy(Pointer config, byte[] proxyUrl, PointerByReference err);
    int mpgs_config_set_proxy_from_env(Pointer config, byte enabled, PointerByReference err);
    int mpgs_config_set_session_api_version(Pointer config, int version, PointerByReference err);
    int mpgs_config_set_token_api_version(Pointer config, int version, PointerByReference err);
    int mpgs_config_set_validation_level(Pointer config, int level, PointerByReference err);
    int mpgs_config_set_trust(Pointer config, int trust, PointerByReference err);
    int mpgs_config_set_token_repository_unique_card(Pointer config, byte enabled, PointerByReference err);
    int mpgs_config_set_observer(Pointer config, CallObserver callback, Pointer userData, PointerByReference err);
    void mpgs_config_free(Pointer config);

    int mpgs_client_new(Pointer config, PointerByReference client, PointerByReference err);
    void mpgs_client_free(Pointer client);
    int mpgs_client_create_session(Pointer client, byte[] json, PointerByReference session, PointerByReference err);
    int mpgs_client_create_token(Pointer client, byte[] json, PointerByReference token, PointerByReference err);
    int mpgs_validate(int operation, byte[] json, PointerByReference err);
    int mpgs_validate_at(int operation, int apiVersion, int level, byte[] json, PointerByReference err);
    int mpgs_client_retrieve_session(Pointer client, byte[] sessionId, PointerByReference session, PointerByReference err);
    int mpgs_client_update_session(Pointer client, byte[] sessionId, byte[] json, PointerByReference session,
            PointerByReference err);
    int mpgs_client_retrieve_token(Pointer client, byte[] token, PointerByReference out, PointerByReference err);
    int mpgs_client_delete_token(Pointer client, byte[] token, PointerByReference out, PointerByReference err);
    int mpgs_client_check_gateway(Pointer client, PointerByReference out, PointerByReference err);
    int mpgs_client_certificate_not_after(Pointer client, LongByReference unixSecondsOut, PointerByReference err);
    int mpgs_client_connect(Pointer client, PointerByReference err);
    int mpgs_session_ready_for_token(Pointer session, byte[] expectedVersion);
    String mpgs_readiness_name(int readiness);

    String mpgs_delete_result_result(Pointer d);
    String mpgs_delete_result_correlation_id(Pointer d);
    short mpgs_delete_result_http_status(Pointer d);
    int mpgs_delete_result_api_version(Pointer d);
    int mpgs_delete_result_attempts(Pointer d);
    String mpgs_delete_result_json(Pointer d);
    void mpgs_delete_result_free(Pointer d);

    String mpgs_gateway_info_gateway_version(Pointer i);
    String mpgs_gateway_info_status(Pointer i);
    byte mpgs_gateway_info_is_operating(Pointer i);
    short mpgs_gateway_info_http_status(Pointer i);
    int mpgs_gateway_info_api_version(Pointer i);
    int mpgs_gateway_info_attempts(Pointer i);
    String mpgs_gateway_info_json(Pointer i);
    void mpgs_gateway_info_free(Pointer i);

    int mpgs_error_status(Pointer e);
    int mpgs_error_stage(Pointer e);
    String mpgs_error_message(Pointer e);
    short mpgs_error_http_status(Pointer e);
    byte mpgs_error_outcome_unknown(Pointer e);
    int mpgs_error_attempts(Pointer e);
    String mpgs_error_cause(Pointer e);
    String mpgs_error_field(Pointer e);
    String mpgs_error_validation_type(Pointer e);
    String mpgs_error_explanation(Pointer e);
    String mpgs_error_support_code(Pointer e);
    String mpgs_error_gateway_json(Pointer e);
    SizeT mpgs_error_field_error_count(Pointer e);
    int mpgs_error_field_error(Pointer e, SizeT index, FieldErrorStruct out);
    void mpgs_error_free(Pointer e);

    String mpgs_session_id(Pointer s);
    String mpgs_session_aes256_key(Pointer s);
    String mpgs_session_version(Pointer s);
    String mpgs_session_update_status(Pointer s);
    String mpgs_session_merchant(Pointer s);
    String mpgs_session_result(Pointer s);
    String mpgs_session_correlation_id(Pointer s);
    String mpgs_session_json(Pointer s);
    String mpgs_session_json_verbatim(Pointer s);
    byte mpgs_session_authentication_limit(Pointer s, IntByReference limit);
    short mpgs_session_http_status(Pointer s);
    int mpgs_session_api_version(Pointer s);
    int mpgs_session_attempts(Pointer s);
    void mpgs_session_free(Pointer s);

    String mpgs_token_token(Pointer t);
    String mpgs_token_status(Pointer t);
    String mpgs_token_repository_id(Pointer t);
    String mpgs_token_gateway_code(Pointer t);
    String mpgs_token_result(Pointer t);
    String mpgs_token_verification_strategy(Pointer t);
    String mpgs_token_source_of_funds_type(Pointer t);
    String mpgs_token_correlation_id(Pointer t);
    String mpgs_token_card_brand(Pointer t);
    String mpgs_token_card_number(Pointer t);
    String mpgs_token_card_expiry(Pointer t);
    String mpgs_token_card_scheme(Pointer t);
    String mpgs_token_card_funding_method(Pointer t);
    String mpgs_token_card_issuer(Pointer t);
    String mpgs_token_card_local_brand(Pointer t);
    String mpgs_token_ach_account_type(Pointer t);
    String mpgs_token_ach_bank_account_holder(Pointer t);
    String mpgs_token_ach_routing_number(Pointer t);
    String mpgs_token_ach_sec_code(Pointer t);
    String mpgs_token_gift_card_brand(Pointer t);
    String mpgs_token_gift_card_local_brand(Pointer t);
    String mpgs_token_gift_card_number(Pointer t);
    String mpgs_token_gift_card_scheme(Pointer t);
    String mpgs_token_usage_last_updated(Pointer t);
    String mpgs_token_usage_last_updated_by(Pointer t);
    String mpgs_token_usage_last_used(Pointer t);
    String mpgs_token_json(Pointer t);
    String mpgs_token_json_verbatim(Pointer t);
    short mpgs_token_http_status(Pointer t);
    int mpgs_token_api_version(Pointer t);
    int mpgs_token_attempts(Pointer t);
    void mpgs_token_free(Pointer t);
}
