// make bench: Create Session calls per second on one thread over one keep-alive HTTPS connection,
// through libmpgs (JNA) and through the JDK's own java.net.http.HttpClient doing the same call
// (same sandbox, the same CA trusted, same body, Basic auth, the answer read whole and its 201
// checked).
//   java Bench mpgs N         -> calls/s
//   java Bench httpclient N   -> calls/s
// Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
import io.mpgs.MpgsClient;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public final class Bench {
    static final String BODY = "{\"correlationId\":\"bench\",\"session\":{\"authenticationLimit\":5}}";

    interface Call {
        void run() throws Exception;
    }

    static double rate(int n, Call call) throws Exception {
        for (int i = 0; i < 10; i++) call.run();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) call.run();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java Bench mpgs|httpclient N");
            System.exit(2);
        }
        int n = Integer.parseInt(args[1]);
        String merchant = System.getenv("MPGS_MERCHANT_ID");
        String password = System.getenv("MPGS_PASSWORD");
        String baseUrl = System.getenv("MPGS_BASE_URL");
        String caFile = System.getenv("MPGS_CA_FILE");
        double r;
        if (args[0].equals("mpgs")) {
            try (MpgsClient c = new MpgsClient(new MpgsClient.Config(merchant).password(password).baseUrl(baseUrl).caFile(caFile))) {
                r = rate(n, () -> c.createSession(BODY));
            }
        } else if (args[0].equals("httpclient")) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = new FileInputStream(caFile)) {
                trust.setCertificateEntry("sandbox", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString(("merchant." + merchant + ":" + password).getBytes(StandardCharsets.UTF_8));
            HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/api/rest/version/58/merchant/" + merchant + "/session"))
                    .header("Authorization", auth).header("Content-Type", "application/json;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            r = rate(n, () -> {
                HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 201) throw new IllegalStateException("HTTP " + res.statusCode());
            });
        } else {
            System.err.println("usage: java Bench mpgs|httpclient N");
            System.exit(2);
            return;
        }
        System.out.println(String.format(Locale.ROOT, "%.1f", r));
    }
}
