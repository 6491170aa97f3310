// The till flow against the sandbox (MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD;
// MPGS_FAULT_URL and MPGS_FAULT_CA: a sandbox that closes every connection without answering).
// tests/languages/run.sh starts both, compiles this with the wrapper and runs it.
import io.mpgs.MpgsClient;
import io.mpgs.MpgsClient.Operation;
import io.mpgs.MpgsException;
import io.mpgs.MpgsException.Stage;
import io.mpgs.MpgsException.Status;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class MpgsTest {
    static final String CARD_TOKEN = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008\","
            + " \"expiry\": {\"month\": \"5\", \"year\": \"30\"}, \"securityCode\": \"123\"}}}, \"verificationStrategy\": \"BASIC\"}";
    static final String[] SECRETS = {"sandbox-password", "Wr0ng-Pa55-c41d", "5123450000000008", "5123450000000009", "7319", "84736251"};
    static int passed, failed;

    interface Test {
        void run() throws Exception;
    }

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) throw new IllegalStateException(name + " is not set: run tests/languages/run.sh");
        return v;
    }

    static MpgsClient client(String url, String password, String ca) {
        return new MpgsClient(new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(password).baseUrl(url).caFile(ca)
                .timeoutMs(5000).maxRetries(0));
    }

    static MpgsClient sandbox() {
        return client(env("MPGS_BASE_URL"), env("MPGS_PASSWORD"), env("MPGS_CA_FILE"));
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("check failed: " + what);
    }

    // Runs f, which must throw an MpgsException of `status` that no way of printing shows a secret.
    static MpgsException refused(Runnable f, Status status) {
        try {
            f.run();
        } catch (MpgsException e) {
            check(e.status == status, "want " + status + ", got " + e.status + ": " + e.getMessage());
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            for (String text : new String[] {e.getMessage(), e.toString(), trace.toString(), String.valueOf(e.gatewayJson),
                    String.valueOf(e.explanation), e.fieldErrors.toString()}) {
                for (String s : SECRETS) check(!text.contains(s), "error text holds " + s + ": " + text);
            }
            return e;
        }
        throw new AssertionError("want an MpgsException " + status);
    }

    static void tillFlow() {
        try (MpgsClient c = sandbox()) {
            MpgsClient.Session s = c.createSession("{\"session\": {\"authenticationLimit\": 5}, \"correlationId\": \"till-1\"}");
            check(s.id != null && s.aes256Key != null && "SUCCESS".equals(s.result) && s.httpStatus == 201
                    && "till-1".equals(s.correlationId) && Integer.valueOf(5).equals(s.authenticationLimit), "session " + s);

            MpgsClient.Token t = c.createToken(CARD_TOKEN);
            check(t.token != null && "VALID".equals(t.status) && "512345xxxxxx0008".equals(t.cardNumber) && "MASTERCARD".equals(t.cardBrand)
                    && "0530".equals(t.cardExpiry) && !t.json.contains("5123450000000008"), "token " + t);

            MpgsException e = refused(() -> c.createToken("{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008-\","
                    + " \"securityCode\": \"7319x\", \"expiry\": {\"month\": \"13\", \"year\": \"30\"}}}}}"), Status.VALIDATION);
            check(e.stage == Stage.NOT_SENT && e.attempts == 0 && e.field.equals(e.fieldErrors.get(0).field), "validation error");
            for (String f : new String[] {"sourceOfFunds.provided.card.number", "sourceOfFunds.provided.card.securityCode",
                    "sourceOfFunds.provided.card.expiry.month"}) {
                check(e.fieldErrors.stream().anyMatch(fe -> fe.field.equals(f) && fe.validationType != null && fe.explanation != null),
                        "field error for " + f + " in " + e.fieldErrors);
            }

            MpgsException g = refused(() -> c.createToken(CARD_TOKEN.replace("5123450000000008", "5123450000000009")), Status.GATEWAY);
            check(g.httpStatus == 400 && "INVALID_REQUEST".equals(g.gatewayCause) && "sourceOfFunds.provided.card.number".equals(g.field)
                    && g.stage == Stage.ANSWERED && !g.outcomeUnknown, "gateway error");
        }
    }

    static void wrongPasswordIsAnAuthenticationFailure() {
        try (MpgsClient c = client(env("MPGS_BASE_URL"), "Wr0ng-Pa55-c41d", env("MPGS_CA_FILE"))) {
            MpgsException e = refused(() -> c.createToken(CARD_TOKEN), Status.AUTHENTICATION);
            check(e.httpStatus == 401 && e.stage == Stage.ANSWERED, "401");
        }
    }

    static void transportFailureLeavesTheOutcomeUnknown() {
        try (MpgsClient c = client(env("MPGS_FAULT_URL"), env("MPGS_PASSWORD"), env("MPGS_FAULT_CA"))) {
            MpgsException e = refused(() -> c.createToken(CARD_TOKEN), Status.IO);
            check(e.outcomeUnknown && e.stage == Stage.UNANSWERED && e.httpStatus == 0, "outcome unknown");
        }
    }

    static void executorSharesOneClient() throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (MpgsClient c = sandbox()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                String id = "p" + i;
                calls.add(pool.submit(() -> {
                    MpgsClient.Session s = c.createSession("{\"correlationId\": \"" + id + "\"}");
                    check(id.equals(s.correlationId), "answer of another call");
                    check(ids.add(s.id), "session id twice");
                }));
            }
            for (Future<?> f : calls) f.get();
            check(ids.size() == 800, "800 sessions");
        } finally {
            pool.shutdown();
        }
    }

    static long rssKiB() throws Exception {
        System.gc();
        Thread.sleep(200); // JNA's cleaner thread frees the native memory of collected references
        return Long.parseLong(Files.readString(Path.of("/proc/self/statm")).split(" ")[1]) * 4;
    }

    // Run with a fixed, pre-touched heap (-Xms = -Xmx, -XX:+AlwaysPreTouch): RSS then shows native memory.
    // Windows of 10,000 calls, each a session and a refused request, after 10,000 to warm up: the
    // resident memory may not grow by 4 MiB in every window (leaking every session handle grows
    // each window by some 34 MiB).
    static void handlesAreReleased() throws Exception {
        String bad = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"12\"}}}}";
        try (MpgsClient c = sandbox()) {
            java.util.function.IntConsumer run = n -> {
                for (int i = 0; i < n; i++) {
                    c.createSession("{\"correlationId\": \"rss\"}");
                    try {
                        MpgsClient.validate(Operation.CREATE_TOKEN, bad);
                        throw new AssertionError("validation passed");
                    } catch (MpgsException e) {
                        check(e.status == Status.VALIDATION, e.getMessage());
                    }
                }
            };
            run.accept(10000); // the JIT compiles the hot paths first: its code and arenas grow RSS once
            // A leak grows every window alike; the JVM's own one-time growth (late compilation on a
            // busy machine) lands in one window at most: the smallest growth of three windows is
            // the leak's measure.
            long least = Long.MAX_VALUE;
            for (int window = 0; window < 3 && least >= 4096; window++) {
                long before = rssKiB();
                run.accept(10000);
                long after = rssKiB();
                System.out.printf("java: RSS before 10,000 calls %d KiB, after %d KiB (growth %d KiB)%n", before, after, after - before);
                least = Math.min(least, after - before);
            }
            check(least < 4096, "RSS grew by " + least + " KiB or more over each of three windows of 10,000 calls");
        }
    }

    static void aNonHttpProxyIsAConfigErrorWithoutItsPassword() {
        MpgsException e = refused(() -> new MpgsClient(new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")).proxy("socks5://user:pr0xy-secret@127.0.0.1:1")
                .proxyFromEnv(false)).close(), Status.CONFIG);
        check(e.attempts == 0, "attempts " + e.attempts);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        for (String text : new String[] {e.getMessage(), e.toString(), trace.toString(), String.valueOf(e.explanation),
                String.valueOf(e.gatewayCause), String.valueOf(e.field)}) {
            check(!text.contains("pr0xy-secret"), "error text holds the proxy password: " + text);
        }
    }

    // At API version 70 a card field the v38 tables do not know is sent (AUTO checks known fields
    // only); STRICT refuses it before sending.
    static void tokenApiVersionAndValidationLevel() {
        String newer = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008\","
                + " \"nameOnCard\": \"A Customer\", \"expiry\": {\"month\": \"5\", \"year\": \"30\"}}}}}";
        MpgsClient.Config at70 = new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")).timeoutMs(5000).maxRetries(0).tokenApiVersion(70);
        try (MpgsClient c = new MpgsClient(at70)) {
            MpgsClient.Token t = c.createToken(newer);
            check(t.token != null && t.apiVersion == 70 && "512345xxxxxx0008".equals(t.cardNumber) && t.json.contains("A Customer"),
                    "token at v70 " + t + " " + t.apiVersion);
        }
        try (MpgsClient c = new MpgsClient(at70.validationLevel(MpgsClient.ValidationLevel.STRICT))) {
            MpgsException e = refused(() -> c.createToken(newer), Status.VALIDATION);
            check(e.stage == Stage.NOT_SENT && e.attempts == 0 && e.fieldErrors.stream().anyMatch(fe ->
                    "sourceOfFunds.provided.card.nameOnCard".equals(fe.field) && "UNSUPPORTED".equals(fe.validationType)),
                    "field errors " + e.fieldErrors);
        }
    }

    static void trustCaFilesOnlyAndMozilla() {
        MpgsClient.Config pinned = new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")).timeoutMs(5000).maxRetries(0)
                .trust(MpgsClient.Trust.CA_FILES_ONLY);
        try (MpgsClient c = new MpgsClient(pinned)) {
            check(c.createSession(null).httpStatus == 201, "pinned to the sandbox CA");
        }
        MpgsException e = refused(() -> new MpgsClient(pinned.caFile(null)).close(), Status.CONFIG);
        check(e.getMessage().contains("ca-files-only"), e.getMessage());
        try (MpgsClient moz = new MpgsClient(pinned.trust(MpgsClient.Trust.MOZILLA))) {
            MpgsException t = refused(() -> moz.createSession(null), Status.TLS);
            check(!t.outcomeUnknown, "a refused certificate sent nothing");
        }
    }

    // The Hosted Session flow (issue 21): update with a card, retrieve and check readiness, tokenize
    // from the session, retrieve and delete the token; bad ids refused before sending; Check Gateway.
    static void hostedSessionFlow() {
        try (MpgsClient c = sandbox()) {
            String id = c.createSession(null).id;
            MpgsClient.Session page = c.updateSession(id, "{\"sourceOfFunds\": {\"provided\": {\"card\": {"
                    + "\"number\": \"5123450000000008\", \"expiry\": {\"month\": \"5\", \"year\": \"30\"}}}}}");
            check("SUCCESS".equals(page.updateStatus), "updated");
            MpgsClient.Session s = c.retrieveSession(id, page.version);
            check(s.readiness == MpgsClient.Readiness.READY && s.apiVersion == 58, "ready: " + s.readiness);
            check(c.retrieveSession(id, "0000000000").readiness == MpgsClient.Readiness.VERSION_DIFFERS, "a stale version");
            check(c.retrieveSession(id).readiness == MpgsClient.Readiness.READY, "no version given");
            check(s.json.contains("512345xxxxxx0008") && !s.json.contains("5123450000000008"), "masked");
            String token = c.createToken("{\"session\": {\"id\": \"" + id + "\"}, \"sourceOfFunds\": {\"type\": \"CARD\"}}").token;
            MpgsClient.Token again = c.retrieveToken(token);
            check(token.equals(again.token) && "512345xxxxxx0008".equals(again.cardNumber) && again.apiVersion == 38, "retrieved");
            MpgsClient.DeleteResult d = c.deleteToken(token);
            check("SUCCESS".equals(d.result) && d.attempts == 1, "deleted");
            check(refused(() -> c.retrieveToken(token), Status.GATEWAY).httpStatus == 400, "a deleted token");
            MpgsException bad = refused(() -> c.retrieveSession("SESSION0002695081404E6099215K60/../x"), Status.VALIDATION);
            check("sessionId".equals(bad.field) && bad.stage == Stage.NOT_SENT, "a bad session id");
            check("tokenid".equals(refused(() -> c.deleteToken("91/23"), Status.VALIDATION).field), "a bad token");
            MpgsClient.validate(Operation.UPDATE_SESSION, "{\"order.currency\": \"USD\"}");
            MpgsClient.GatewayInfo info = c.checkGateway();
            check(info.operating && "OPERATING".equals(info.status) && info.gatewayVersion != null, "check gateway");
        }
    }

    static void closedClientFailsCleanly() {
        MpgsClient c = sandbox();
        c.close();
        c.close();
        refused(() -> c.createSession(null), Status.INVALID_ARGUMENT);
    }

    // The package: its own library at its version, every call as a CompletableFuture, the
    // verbatim answer only on request, and which file was mapped (tests/dist/languages.sh reads it).
    static void thePackage() throws Exception {
        check(io.mpgs.Version.VERSION.equals(MpgsClient.version()), "mpgs_version() is " + MpgsClient.version());
        try (MpgsClient c = new MpgsClient(new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")).timeoutMs(5000).maxRetries(0)
                .tokenRepositoryUniqueCard(true))) {
            MpgsClient.Token t = c.createTokenAsync(CARD_TOKEN).get();
            check("512345xxxxxx0008".equals(t.cardNumber), "masked: " + t.cardNumber);
            check(!t.toString().contains("5123450000000008") && !t.json.contains("5123450000000008"), "printed masked");
            check(t.jsonVerbatim() != null && t.jsonVerbatim().contains(t.token), "verbatim on request");
            MpgsClient.Session created = c.createSessionAsync(null).get();
            String id = created.id;
            check(created.aes256Key != null && !created.toString().contains(created.aes256Key), "toString without the AES key");
            MpgsClient.Session page = c.updateSessionAsync(id, "{\"sourceOfFunds.provided.card.number\": \"5123450000000008\","
                    + " \"sourceOfFunds.provided.card.expiry.month\": \"5\", \"sourceOfFunds.provided.card.expiry.year\": \"30\"}").get();
            MpgsClient.Session s = c.retrieveSessionAsync(id, page.version).get();
            check(s.readiness == MpgsClient.Readiness.READY, "ready: " + s.readiness);
            check(s.jsonVerbatim() != null && s.jsonVerbatim().contains(id), "session verbatim");
            check(t.token.equals(c.retrieveTokenAsync(t.token).get().token), "retrieve async");
            MpgsClient.DeleteResult d = c.deleteTokenAsync(t.token).get();
            check("SUCCESS".equals(d.result) && d.json.contains("SUCCESS"), "delete async: " + d.json);
            MpgsClient.GatewayInfo info = c.checkGatewayAsync().get();
            check("OPERATING".equals(info.status) && info.json.contains("OPERATING"), "check gateway async");
            try {
                c.retrieveTokenAsync("91/23").get();
                check(false, "a bad token was accepted");
            } catch (java.util.concurrent.ExecutionException e) {
                check(e.getCause() instanceof MpgsException && ((MpgsException) e.getCause()).status == Status.VALIDATION,
                        "the future fails with the MpgsException: " + e.getCause());
            }
        }
        String named = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008\","
                + " \"expiry\": {\"month\": \"5\", \"year\": \"30\"}, \"nameOnCard\": \"A\"}}}}";
        MpgsClient.validate(Operation.CREATE_TOKEN, named, 70, MpgsClient.ValidationLevel.AUTO);
        MpgsException e = refused(() -> MpgsClient.validate(Operation.CREATE_TOKEN, named, 70, MpgsClient.ValidationLevel.STRICT),
                Status.VALIDATION);
        check(e.fieldErrors.stream().anyMatch(fe -> "sourceOfFunds.provided.card.nameOnCard".equals(fe.field)), "strict at 70");
        String loaded = new java.io.File(MpgsClient.libraryPath()).getCanonicalPath();
        boolean mapped = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) mapped |= line.endsWith(" " + loaded);
        check(mapped, loaded + " is not mapped into this process");
        System.out.println("mpgs-loaded: " + loaded);
    }

    // MPGS_UNIQUE_URL answers once, then closes the reused connection under the next request:
    // with tokenRepositoryUniqueCard the Create Token is sent again on a new connection.
    static void uniqueCardRepeatsAToken() {
        try (MpgsClient c = new MpgsClient(new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_UNIQUE_URL")).caFile(env("MPGS_UNIQUE_CA")).timeoutMs(5000).maxRetries(2)
                .tokenRepositoryUniqueCard(true))) {
            check(c.createToken(CARD_TOKEN).attempts == 1, "the first token");
            int attempts = c.createToken(CARD_TOKEN).attempts;
            check(attempts == 2, "sent again: " + attempts);
        }
    }

    // Every printable form of an event, which must hold no secret.
    static void noSecretIn(MpgsClient.CallEvent e) {
        for (String text : new String[] {e.toString(), e.path, e.operationName, e.method}) {
            for (String s : SECRETS) check(!text.contains(s), "event holds " + s + ": " + text);
        }
    }

    static MpgsClient.CallEvent one(List<MpgsClient.CallEvent> events) {
        synchronized (events) {
            check(events.size() == 1, "want one event, got " + events);
            MpgsClient.CallEvent e = events.remove(0);
            noSecretIn(e);
            return e;
        }
    }

    static void onCallSeesEveryCallWithoutASecret() throws Exception {
        List<MpgsClient.CallEvent> events = new ArrayList<>();
        java.util.function.Consumer<MpgsClient.CallEvent> hook = e -> {
            synchronized (events) {
                events.add(e);
            }
        };
        String merchant = env("MPGS_MERCHANT_ID");
        try (MpgsClient c = new MpgsClient(new MpgsClient.Config(merchant).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")).timeoutMs(5000).maxRetries(0).onCall(hook))) {
            // The observer outlives collections: the client holds it (JNA keeps only a weak reference).
            for (int i = 0; i < 3; i++) System.gc();
            MpgsClient.Token t = c.createToken(CARD_TOKEN);
            MpgsClient.CallEvent e = one(events);
            String want = "/api/rest/version/38/merchant/" + merchant + "/token";
            check(e.operation == Operation.CREATE_TOKEN && "Create or Update Token".equals(e.operationName) && "POST".equals(e.method)
                    && want.equals(e.path) && e.apiVersion == 38 && e.httpStatus == 201 && e.attempts == 1
                    && !e.elapsed.isZero() && !e.outcomeUnknown && e.status == Status.OK && e.stage == Stage.UNKNOWN && e.ok(),
                    "success " + e);
            c.deleteToken(t.token);
            e = one(events);
            check(e.operation == Operation.DELETE_TOKEN && "DELETE".equals(e.method) && e.path.startsWith(want + "/"), "delete " + e);
            refused(() -> c.retrieveToken(t.token), Status.GATEWAY);
            e = one(events);
            check(e.operation == Operation.RETRIEVE_TOKEN && e.httpStatus == 400 && e.status == Status.GATEWAY
                    && e.stage == Stage.ANSWERED && !e.ok(), "gateway error " + e);
            refused(() -> c.createToken("{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000009\","
                    + " \"expiry\": {\"month\": \"13\", \"year\": \"30\"}}}}}"), Status.VALIDATION);
            e = one(events);
            check(e.attempts == 0 && e.httpStatus == 0 && e.status == Status.VALIDATION && e.stage == Stage.NOT_SENT, "refused " + e);
            // An ...Async call: the event on the executor's thread, before the future completes.
            c.createSessionAsync(null).get();
            check(one(events).operation == Operation.CREATE_SESSION, "async");
        }
        try (MpgsClient f = new MpgsClient(new MpgsClient.Config(merchant).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_FAULT_URL")).caFile(env("MPGS_FAULT_CA")).timeoutMs(5000).maxRetries(0).onCall(hook))) {
            refused(() -> f.createToken(CARD_TOKEN), Status.IO);
            MpgsClient.CallEvent e = one(events);
            check(e.outcomeUnknown && e.stage == Stage.UNANSWERED && e.httpStatus == 0 && e.attempts == 1, "unanswered " + e);
        }
    }

    static void onCallThrowingNeverBreaksTheCall() {
        List<String> logged = new ArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.mpgs");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                synchronized (logged) {
                    logged.add(r.getMessage() + " " + r.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        log.setUseParentHandlers(false);
        try (MpgsClient c = new MpgsClient(new MpgsClient.Config(env("MPGS_MERCHANT_ID")).password(env("MPGS_PASSWORD"))
                .baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")).onCall(e -> {
                    throw new IllegalStateException("hook bug");
                }))) {
            check(c.createSession(null).httpStatus == 201, "the call went on");
        } finally {
            log.removeHandler(handler);
            log.setUseParentHandlers(true);
        }
        check(logged.size() == 1 && logged.get(0).contains("onCall") && logged.get(0).contains("hook bug"), "logged " + logged);
    }

    static void certificateNotAfter() throws Exception {
        String certFile = env("MPGS_CLIENT_CERT");
        try (MpgsClient c = new MpgsClient(new MpgsClient.Config(env("MPGS_CERT_MERCHANT_ID"))
                .certificateFiles(certFile, env("MPGS_CLIENT_KEY")).baseUrl(env("MPGS_BASE_URL")).caFile(env("MPGS_CA_FILE")))) {
            java.security.cert.X509Certificate cert;
            try (java.io.InputStream in = Files.newInputStream(Path.of(certFile))) {
                cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in);
            }
            check(c.certificateNotAfter().equals(java.util.Optional.of(cert.getNotAfter().toInstant())),
                    "notAfter " + c.certificateNotAfter() + " want " + cert.getNotAfter());
        }
        try (MpgsClient p = sandbox()) {
            check(p.certificateNotAfter().isEmpty(), "none with a password");
        }
    }

    static void aNulIsRefusedNamingItAndNeverTruncated() {
        try (MpgsClient c = sandbox()) {
            String token = c.createToken(CARD_TOKEN).token;
            MpgsException e = refused(() -> c.deleteToken(token + "\0/../x"), Status.INVALID_ARGUMENT);
            check("token".equals(e.field) && e.stage == Stage.NOT_SENT && e.getMessage().contains("NUL"), "deleteToken " + e);
            refused(() -> c.retrieveToken(token + "\0"), Status.INVALID_ARGUMENT);
            check(token.equals(c.retrieveToken(token).token), "the token survives");
            String id = c.createSession(null).id;
            check("sessionId".equals(refused(() -> c.updateSession(id + "\0x", "{}"), Status.INVALID_ARGUMENT).field), "sessionId");
            check("expectedVersion".equals(refused(() -> c.retrieveSession(id, "v\0"), Status.INVALID_ARGUMENT).field), "expectedVersion");
            check("json".equals(refused(() -> c.createSession("{}\0{"), Status.INVALID_ARGUMENT).field), "json");
            check("json".equals(refused(() -> MpgsClient.validate(Operation.CREATE_SESSION, "{}\0x"), Status.INVALID_ARGUMENT).field),
                    "validate");
            c.deleteToken(token);
        }
        check("password".equals(refused(() -> client(env("MPGS_BASE_URL"), env("MPGS_PASSWORD") + "\0x", env("MPGS_CA_FILE")),
                Status.INVALID_ARGUMENT).field), "password");
        check("baseUrl".equals(refused(() -> client(env("MPGS_BASE_URL") + "\0x", env("MPGS_PASSWORD"), env("MPGS_CA_FILE")),
                Status.INVALID_ARGUMENT).field), "baseUrl");
        check("merchantId".equals(refused(() -> new MpgsClient(new MpgsClient.Config("M\0x").password("p").region("mtf")),
                Status.INVALID_ARGUMENT).field), "merchantId");
    }

    // The sandbox's admin count of connections accepted (its own request is one more).
    static int sandboxConnections() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(env("MPGS_CA_FILE")))) {
            trust.setCertificateEntry("sandbox", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        javax.net.ssl.HttpsURLConnection http = (javax.net.ssl.HttpsURLConnection)
                java.net.URI.create(env("MPGS_BASE_URL") + "/_sandbox/stats").toURL().openConnection();
        http.setSSLSocketFactory(tls.getSocketFactory());
        http.setRequestProperty("Connection", "close");
        String body;
        try (InputStream in = http.getInputStream()) {
            body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            http.disconnect();
        }
        Matcher m = Pattern.compile("\"connections\"\\s*:\\s*(\\d+)").matcher(body);
        check(m.find(), "stats: " + body);
        return Integer.parseInt(m.group(1));
    }

    static void connectWarmsTheConnectionTheNextCallUses() throws Exception {
        for (boolean async : new boolean[] {false, true}) {
            try (MpgsClient c = sandbox()) {
                int before = sandboxConnections();
                if (async) {
                    check(c.connectAsync().get() == null, "connectAsync completes with null");
                    c.connectAsync().get(); // an idle connection is fit already: nothing more
                } else {
                    c.connect();
                    c.connect();
                }
                int warm = sandboxConnections();
                check(warm == before + 2, "connections " + warm + " after connect, want " + (before + 2));
                check(c.createSession(null).attempts == 1, "one attempt");
                int after = sandboxConnections();
                check(after == warm + 1, "connections " + after + ", want " + (warm + 1) + ": the call did not reuse the warm one");
            }
        }
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (MpgsClient c = client("https://127.0.0.1:" + port, env("MPGS_PASSWORD"), env("MPGS_CA_FILE"))) {
            MpgsException e = refused(c::connect, Status.CONNECT);
            check(!e.outcomeUnknown, "a refused connect leaves the outcome known");
            try {
                c.connectAsync().get();
                throw new AssertionError("connectAsync to a closed port succeeded");
            } catch (ExecutionException x) {
                check(x.getCause() instanceof MpgsException && ((MpgsException) x.getCause()).status == Status.CONNECT
                        && !((MpgsException) x.getCause()).outcomeUnknown, "connectAsync: " + x.getCause());
            }
        }
    }

    static void run(String name, Test test) {
        try {
            test.run();
            passed++;
            System.out.println("ok " + name);
        } catch (Throwable e) {
            failed++;
            System.out.println("FAIL " + name + ": " + e);
            e.printStackTrace(System.out);
        }
    }

    public static void main(String[] args) {
        run("till flow", MpgsTest::tillFlow);
        run("a wrong password is an authentication failure", MpgsTest::wrongPasswordIsAnAuthenticationFailure);
        run("a transport failure leaves the outcome unknown", MpgsTest::transportFailureLeavesTheOutcomeUnknown);
        run("an executor shares one client", MpgsTest::executorSharesOneClient);
        run("handles are released", MpgsTest::handlesAreReleased);
        run("a closed client fails cleanly", MpgsTest::closedClientFailsCleanly);
        run("a non-http proxy is a config error without its password", MpgsTest::aNonHttpProxyIsAConfigErrorWithoutItsPassword);
        run("tokenApiVersion 70 and ValidationLevel.STRICT", MpgsTest::tokenApiVersionAndValidationLevel);
        run("Trust.CA_FILES_ONLY works with the sandbox CA, Trust.MOZILLA refuses it", MpgsTest::trustCaFilesOnlyAndMozilla);
        run("the Hosted Session flow", MpgsTest::hostedSessionFlow);
        run("the package: its library, CompletableFuture, verbatim on request", MpgsTest::thePackage);
        run("tokenRepositoryUniqueCard sends a cut-off Create Token again", MpgsTest::uniqueCardRepeatsAToken);
        run("onCall sees every call without a secret", MpgsTest::onCallSeesEveryCallWithoutASecret);
        run("an onCall hook that throws never breaks the call", MpgsTest::onCallThrowingNeverBreaksTheCall);
        run("certificateNotAfter: the certificate's notAfter, empty with a password", MpgsTest::certificateNotAfter);
        run("a NUL is refused naming it and never truncated", MpgsTest::aNulIsRefusedNamingItAndNeverTruncated);
        run("connect() and connectAsync() warm the connection the next call uses; a closed port: CONNECT", MpgsTest::connectWarmsTheConnectionTheNextCallUses);
        System.out.printf("java: %d passed, %d failed%n", passed, failed);
        System.exit(failed == 0 ? 0 : 1);
    }
}
