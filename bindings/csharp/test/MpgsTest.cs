// The till flow against the sandbox (MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD;
// MPGS_FAULT_URL and MPGS_FAULT_CA: a sandbox that closes every connection without answering).
// tests/languages/run.sh starts both, builds this with Mpgs.cs and runs it.
using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Mpgs;

static class MpgsTest
{
    const string CardToken = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008\"," +
        " \"expiry\": {\"month\": \"5\", \"year\": \"30\"}, \"securityCode\": \"123\"}}}, \"verificationStrategy\": \"BASIC\"}";
    static readonly string[] Secrets = { "sandbox-password", "Wr0ng-Pa55-c41d", "5123450000000008", "5123450000000009", "7319", "84736251" };
    static int passed, failed;

    static string Env(string name)
    {
        var v = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(v)) throw new Exception(name + " is not set: run tests/languages/run.sh");
        return v;
    }

    static Client NewClient(string url = null, string password = null, string ca = null)
    {
        return new Client(new Config
        {
            MerchantId = Env("MPGS_MERCHANT_ID"), Password = password ?? Env("MPGS_PASSWORD"),
            BaseUrl = url ?? Env("MPGS_BASE_URL"), CaFile = ca ?? Env("MPGS_CA_FILE"), TimeoutMs = 5000, MaxRetries = 0,
        });
    }

    static void Check(bool ok, string what)
    {
        if (!ok) throw new Exception("check failed: " + what);
    }

    // Runs f, which must throw an MpgsException of `status` that no way of printing shows a secret.
    static MpgsException Refused(Action f, Status status)
    {
        try { f(); }
        catch (MpgsException e)
        {
            Check(e.Status == status, "want " + status + ", got " + e.Status + ": " + e.Message);
            var texts = new[] { e.Message, e.ToString(), e.GatewayJson ?? "", e.Explanation ?? "", string.Join("; ", e.FieldErrors) };
            foreach (var text in texts)
                foreach (var s in Secrets)
                    Check(!text.Contains(s), "error text holds " + s + ": " + text);
            return e;
        }
        throw new Exception("want an MpgsException " + status);
    }

    static void TillFlow()
    {
        using (var c = NewClient())
        {
            var s = c.CreateSession("{\"session\": {\"authenticationLimit\": 5}, \"correlationId\": \"till-1\"}");
            Check(!string.IsNullOrEmpty(s.Id) && !string.IsNullOrEmpty(s.Aes256Key) && s.Result == "SUCCESS" && s.HttpStatus == 201
                && s.CorrelationId == "till-1" && s.AuthenticationLimit == 5, "session " + s);

            var t = c.CreateToken(CardToken);
            Check(!string.IsNullOrEmpty(t.Value) && t.Status == "VALID" && t.CardNumber == "512345xxxxxx0008" && t.CardBrand == "MASTERCARD"
                && t.CardExpiry == "0530" && !t.Json.Contains("5123450000000008"), "token " + t);

            var e = Refused(() => c.CreateToken("{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008-\"," +
                " \"securityCode\": \"7319x\", \"expiry\": {\"month\": \"13\", \"year\": \"30\"}}}}}"), Status.Validation);
            Check(e.Stage == Stage.NotSent && e.Attempts == 0 && e.Field == e.FieldErrors[0].Field, "validation error");
            foreach (var f in new[] { "sourceOfFunds.provided.card.number", "sourceOfFunds.provided.card.securityCode", "sourceOfFunds.provided.card.expiry.month" })
                Check(e.FieldErrors.Any(fe => fe.Field == f && fe.ValidationType != null && fe.Explanation != null), "field error for " + f);

            var g = Refused(() => c.CreateToken(CardToken.Replace("5123450000000008", "5123450000000009")), Status.Gateway);
            Check(g.HttpStatus == 400 && g.Cause == "INVALID_REQUEST" && g.Field == "sourceOfFunds.provided.card.number"
                && g.Stage == Stage.Answered && !g.OutcomeUnknown, "gateway error");
        }
    }

    // The sandbox's admin count of connections accepted (its own request is one more). Mono cannot build an
    // ECDSA chain (NotSupportedException on the key's OID), so the sandbox's certificate is taken on its issuer
    // being the sandbox CA's subject; the request carries nothing secret and goes to loopback only.
    static int SandboxConnections()
    {
        var url = new Uri(Env("MPGS_BASE_URL"));
        Check(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(url.Host)), "the sandbox is on loopback");
        var pem = File.ReadAllText(Env("MPGS_CA_FILE"));
        var b64 = Regex.Match(pem, "-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", RegexOptions.Singleline).Groups[1].Value;
        var ca = new X509Certificate(Convert.FromBase64String(b64));
        RemoteCertificateValidationCallback trust = (sender, cert, chain, errors) => cert != null && cert.Issuer == ca.Subject;
        using (var tcp = new TcpClient(url.Host, url.Port))
        using (var tls = new SslStream(tcp.GetStream(), false, trust))
        {
            tls.AuthenticateAsClient(url.Host);
            var request = Encoding.ASCII.GetBytes("GET /_sandbox/stats HTTP/1.1\r\nHost: " + url.Authority + "\r\nConnection: close\r\n\r\n");
            tls.Write(request, 0, request.Length);
            var answer = new StreamReader(tls, Encoding.UTF8).ReadToEnd();
            var m = Regex.Match(answer, "\"connections\"\\s*:\\s*(\\d+)");
            Check(m.Success, "stats: " + answer);
            return int.Parse(m.Groups[1].Value);
        }
    }

    static void ConnectWarmsTheConnectionTheNextCallUses()
    {
        foreach (var async in new[] { false, true })
        {
            using (var c = NewClient())
            {
                int before = SandboxConnections();
                if (async)
                {
                    c.ConnectAsync().Wait();
                    c.ConnectAsync().Wait(); // an idle connection is fit already: nothing more
                }
                else
                {
                    c.Connect();
                    c.Connect();
                }
                int warm = SandboxConnections();
                Check(warm == before + 2, "connections " + warm + " after Connect, want " + (before + 2));
                Check(c.CreateSession().Attempts == 1, "one attempt");
                int after = SandboxConnections();
                Check(after == warm + 1, "connections " + after + ", want " + (warm + 1) + ": the call did not reuse the warm one");
            }
        }
        var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using (var c = NewClient("https://127.0.0.1:" + port))
        {
            var e = Refused(() => c.Connect(), Status.Connect);
            Check(!e.OutcomeUnknown, "a refused connect leaves the outcome known");
            try
            {
                c.ConnectAsync().Wait();
                throw new Exception("ConnectAsync to a closed port succeeded");
            }
            catch (AggregateException x)
            {
                var inner = x.InnerException as MpgsException;
                Check(inner != null && inner.Status == Status.Connect && !inner.OutcomeUnknown, "ConnectAsync: " + x.InnerException);
            }
        }
    }

    static void WrongPasswordIsAnAuthenticationFailure()
    {
        using (var c = NewClient(password: "Wr0ng-Pa55-c41d"))
        {
            var e = Refused(() => c.CreateToken(CardToken), Status.Authentication);
            Check(e.HttpStatus == 401 && e.Stage == Stage.Answered, "401");
        }
    }

    static void TransportFailureLeavesTheOutcomeUnknown()
    {
        using (var c = NewClient(Env("MPGS_FAULT_URL"), null, Env("MPGS_FAULT_CA")))
        {
            var e = Refused(() => c.CreateToken(CardToken), Status.Io);
            Check(e.OutcomeUnknown && e.Stage == Stage.Unanswered && e.HttpStatus == 0, "outcome unknown");
        }
    }

    static void ParallelForSharesOneClient()
    {
        var ids = new ConcurrentDictionary<string, bool>();
        using (var c = NewClient())
        {
            var result = Parallel.For(0, 800, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            {
                var s = c.CreateSession("{\"correlationId\": \"p" + i + "\"}");
                Check(s.CorrelationId == "p" + i, "answer of another call");
                Check(ids.TryAdd(s.Id, true), "session id twice");
            });
            Check(result.IsCompleted && ids.Count == 800, "800 sessions");
        }
    }

    static long RssKiB()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]) * 4;
    }

    static void HandlesAreReleased()
    {
        const string bad = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"12\"}}}}";
        using (var c = NewClient())
        {
            Action<int> run = n =>
            {
                for (int i = 0; i < n; i++)
                {
                    c.CreateSession("{\"correlationId\": \"rss\"}");
                    Refused(() => Client.Validate(Operation.CreateToken, bad), Status.Validation);
                }
            };
            run(1000);
            long before = RssKiB();
            run(10000);
            long after = RssKiB();
            Console.WriteLine("csharp: RSS after 1,000 calls {0} KiB, after 10,000 more {1} KiB (growth {2} KiB)", before, after, after - before);
            Check(after - before < 4096, "RSS grew by " + (after - before) + " KiB over 10,000 calls");
        }
    }

    static void ANonHttpProxyIsAConfigErrorWithoutItsPassword()
    {
        var e = Refused(() => new Client(new Config
        {
            MerchantId = Env("MPGS_MERCHANT_ID"), Password = Env("MPGS_PASSWORD"), BaseUrl = Env("MPGS_BASE_URL"),
            CaFile = Env("MPGS_CA_FILE"), Proxy = "socks5://user:pr0xy-secret@127.0.0.1:1", ProxyFromEnv = false,
        }).Dispose(), Status.Config);
        Check(e.Attempts == 0, "attempts " + e.Attempts);
        foreach (var text in new[] { e.Message, e.ToString(), e.Explanation ?? "", e.Cause ?? "", e.Field ?? "" })
            Check(!text.Contains("pr0xy-secret"), "error text holds the proxy password: " + text);
    }

    // At API version 70 a card field the v38 tables do not know is sent (AUTO checks known fields
    // only); STRICT refuses it before sending.
    static void TokenApiVersionAndValidationLevel()
    {
        const string newer = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008\"," +
            " \"nameOnCard\": \"A Customer\", \"expiry\": {\"month\": \"5\", \"year\": \"30\"}}}}}";
        Func<ValidationLevel?, Client> at70 = level => new Client(new Config
        {
            MerchantId = Env("MPGS_MERCHANT_ID"), Password = Env("MPGS_PASSWORD"), BaseUrl = Env("MPGS_BASE_URL"),
            CaFile = Env("MPGS_CA_FILE"), TimeoutMs = 5000, MaxRetries = 0, TokenApiVersion = 70, ValidationLevel = level,
        });
        using (var c = at70(null))
        {
            var t = c.CreateToken(newer);
            Check(!string.IsNullOrEmpty(t.Value) && t.ApiVersion == 70 && t.CardNumber == "512345xxxxxx0008"
                && t.Json.Contains("A Customer"), "token at v70 " + t + " " + t.ApiVersion);
        }
        using (var c = at70(ValidationLevel.Strict))
        {
            var e = Refused(() => c.CreateToken(newer), Status.Validation);
            Check(e.Stage == Stage.NotSent && e.Attempts == 0 && e.FieldErrors.Any(fe =>
                fe.Field == "sourceOfFunds.provided.card.nameOnCard" && fe.ValidationType == "UNSUPPORTED"),
                "field errors " + string.Join("; ", e.FieldErrors));
        }
    }

    static void TrustCaFilesOnlyAndMozilla()
    {
        Func<string, Trust, Client> with = (ca, trust) => new Client(new Config
        {
            MerchantId = Env("MPGS_MERCHANT_ID"), Password = Env("MPGS_PASSWORD"), BaseUrl = Env("MPGS_BASE_URL"),
            CaFile = ca, TimeoutMs = 5000, MaxRetries = 0, Trust = trust,
        });
        using (var pinned = with(Env("MPGS_CA_FILE"), Trust.CaFilesOnly))
            Check(pinned.CreateSession().HttpStatus == 201, "pinned to the sandbox CA");
        var e = Refused(() => with(null, Trust.CaFilesOnly).Dispose(), Status.Config);
        Check(e.Message.Contains("ca-files-only"), e.Message);
        using (var moz = with(null, Trust.Mozilla))
        {
            var t = Refused(() => moz.CreateSession(), Status.Tls);
            Check(!t.OutcomeUnknown, "a refused certificate sent nothing");
        }
    }

    // The Hosted Session flow (issue 21): update with a card, retrieve and check readiness, tokenize
    // from the session, retrieve and delete the token; bad ids refused before sending; Check Gateway.
    static void HostedSessionFlow()
    {
        using (var c = NewClient())
        {
            var id = c.CreateSession().Id;
            var page = c.UpdateSession(id, "{\"sourceOfFunds\": {\"provided\": {\"card\": {\"number\": \"5123450000000008\","
                + " \"expiry\": {\"month\": \"5\", \"year\": \"30\"}}}}}");
            Check(page.UpdateStatus == "SUCCESS", "updated");
            var s = c.RetrieveSession(id, page.Version);
            Check(s.Readiness == Readiness.Ready && s.ApiVersion == 58, "ready: " + s.Readiness);
            Check(c.RetrieveSession(id, "0000000000").Readiness == Readiness.VersionDiffers, "a stale version");
            Check(s.Json.Contains("512345xxxxxx0008") && !s.Json.Contains("5123450000000008"), "masked");
            var token = c.CreateToken("{\"session\": {\"id\": \"" + id + "\"}, \"sourceOfFunds\": {\"type\": \"CARD\"}}").Value;
            var again = c.RetrieveToken(token);
            Check(again.Value == token && again.CardNumber == "512345xxxxxx0008" && again.ApiVersion == 38, "retrieved");
            var d = c.DeleteToken(token);
            Check(d.Result == "SUCCESS" && d.Attempts == 1, "deleted");
            Check(Refused(() => c.RetrieveToken(token), Status.Gateway).HttpStatus == 400, "a deleted token");
            var bad = Refused(() => c.RetrieveSession("SESSION0002695081404E6099215K60/../x"), Status.Validation);
            Check(bad.Field == "sessionId" && bad.Stage == Stage.NotSent, "a bad session id");
            Check(Refused(() => c.DeleteToken("91/23"), Status.Validation).Field == "tokenid", "a bad token");
            Client.Validate(Operation.UpdateSession, "{\"order.currency\": \"USD\"}");
            var info = c.CheckGateway();
            Check(info.Operating && info.Status == "OPERATING" && !string.IsNullOrEmpty(info.GatewayVersion), "check gateway");
        }
    }

    static void DisposedClientFailsCleanly()
    {
        var c = NewClient();
        c.Dispose();
        c.Dispose();
        try { c.CreateSession(); }
        catch (ObjectDisposedException) { return; }
        throw new Exception("a disposed client made a call");
    }

    // The package: its own library at its version, every call as a Task, the verbatim answer only
    // on request, and which file was mapped (tests/dist/languages.sh reads it).
    static void ThePackage()
    {
        Check(Client.Version == Client.PackageVersion, "mpgs_version() is " + Client.Version);
        var config = new Config
        {
            MerchantId = Env("MPGS_MERCHANT_ID"), Password = Env("MPGS_PASSWORD"), BaseUrl = Env("MPGS_BASE_URL"),
            CaFile = Env("MPGS_CA_FILE"), TimeoutMs = 5000, MaxRetries = 0, TokenRepositoryUniqueCard = true,
        };
        using (var c = new Client(config))
        {
            var t = c.CreateTokenAsync(CardToken).Result;
            Check(t.CardNumber == "512345xxxxxx0008" && !t.ToString().Contains("5123450000000008") && !t.Json.Contains("5123450000000008"), "masked");
            Check(t.JsonVerbatim() != null && t.JsonVerbatim().Contains(t.Value), "verbatim on request");
            var created = c.CreateSessionAsync().Result;
            Check(created.Aes256Key != null && !created.ToString().Contains(created.Aes256Key), "ToString without the AES key");
            var page = c.UpdateSessionAsync(created.Id, "{\"sourceOfFunds.provided.card.number\": \"5123450000000008\","
                + " \"sourceOfFunds.provided.card.expiry.month\": \"5\", \"sourceOfFunds.provided.card.expiry.year\": \"30\"}").Result;
            var s = c.RetrieveSessionAsync(created.Id, page.Version).Result;
            Check(s.Readiness == Readiness.Ready && s.ReadinessName == "MPGS_READINESS_READY", "ready: " + s.ReadinessName);
            Check(s.JsonVerbatim() != null && s.JsonVerbatim().Contains(created.Id), "session verbatim");
            Check(c.RetrieveTokenAsync(t.Value).Result.Value == t.Value, "retrieve async");
            var d = c.DeleteTokenAsync(t.Value).Result;
            Check(d.Result == "SUCCESS" && d.Json.Contains("SUCCESS"), "delete async: " + d.Json);
            var info = c.CheckGatewayAsync().Result;
            Check(info.Status == "OPERATING" && info.Json.Contains("OPERATING"), "check gateway async");
            try
            {
                c.RetrieveTokenAsync("91/23").Wait();
                Check(false, "a bad token was accepted");
            }
            catch (AggregateException e)
            {
                var m = e.InnerException as MpgsException;
                Check(m != null && m.Status == Status.Validation, "the task fails with the MpgsException: " + e.InnerException);
            }
        }
        const string named = "{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000008\","
            + " \"expiry\": {\"month\": \"5\", \"year\": \"30\"}, \"nameOnCard\": \"A\"}}}}";
        Client.Validate(Operation.CreateToken, named, 70, ValidationLevel.Auto);
        var strict = Refused(() => Client.Validate(Operation.CreateToken, named, 70, ValidationLevel.Strict), Status.Validation);
        Check(strict.FieldErrors.Any(fe => fe.Field == "sourceOfFunds.provided.card.nameOnCard"), "strict at 70");
        var mapped = File.ReadAllLines("/proc/self/maps").Select(l => l.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length > 5 && System.Text.RegularExpressions.Regex.IsMatch(p[5], "libmpgs[^/]*\\.so")).Select(p => p[5]).FirstOrDefault();
        Check(mapped != null, "no libmpgs in /proc/self/maps");
        Console.WriteLine("mpgs-loaded: " + mapped);
    }

    // MPGS_UNIQUE_URL answers once, then closes the reused connection under the next request:
    // with TokenRepositoryUniqueCard the Create Token is sent again on a new connection.
    static void UniqueCardRepeatsAToken()
    {
        using (var c = new Client(new Config
        {
            MerchantId = Env("MPGS_MERCHANT_ID"), Password = Env("MPGS_PASSWORD"), BaseUrl = Env("MPGS_UNIQUE_URL"),
            CaFile = Env("MPGS_UNIQUE_CA"), TimeoutMs = 5000, MaxRetries = 2, TokenRepositoryUniqueCard = true,
        }))
        {
            Check(c.CreateToken(CardToken).Attempts == 1, "the first token");
            var attempts = c.CreateToken(CardToken).Attempts;
            Check(attempts == 2, "sent again: " + attempts);
        }
    }

    static void NoSecretIn(CallEvent e)
    {
        foreach (var text in new[] { e.ToString(), e.Path, e.OperationName, e.Method })
            foreach (var s in Secrets)
                Check(!text.Contains(s), "event holds " + s + ": " + text);
    }

    static CallEvent One(ConcurrentQueue<CallEvent> events)
    {
        Check(events.Count == 1, "want one event, got " + events.Count);
        CallEvent e;
        events.TryDequeue(out e);
        NoSecretIn(e);
        return e;
    }

    static void OnCallSeesEveryCallWithoutASecret()
    {
        var events = new ConcurrentQueue<CallEvent>();
        var merchant = Env("MPGS_MERCHANT_ID");
        Func<string, string, Config> config = (url, ca) => new Config
        {
            MerchantId = merchant, Password = Env("MPGS_PASSWORD"), BaseUrl = url, CaFile = ca, TimeoutMs = 5000, MaxRetries = 0,
            OnCall = ev => events.Enqueue(ev),
        };
        using (var c = new Client(config(Env("MPGS_BASE_URL"), Env("MPGS_CA_FILE"))))
        {
            // The hook outlives collections: the client's handle holds it.
            for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
            var t = c.CreateToken(CardToken);
            var e = One(events);
            var want = "/api/rest/version/38/merchant/" + merchant + "/token";
            Check(e.Operation == Operation.CreateToken && e.OperationName == "Create or Update Token" && e.Method == "POST" && e.Path == want
                && e.ApiVersion == 38 && e.HttpStatus == 201 && e.Attempts == 1 && e.Elapsed > TimeSpan.Zero && !e.OutcomeUnknown
                && e.Status == Status.Ok && e.Stage == Stage.Unknown && e.Ok, "success " + e);
            c.DeleteToken(t.Value);
            e = One(events);
            Check(e.Operation == Operation.DeleteToken && e.Method == "DELETE" && e.Path.StartsWith(want + "/"), "delete " + e);
            Refused(() => c.RetrieveToken(t.Value), Status.Gateway);
            e = One(events);
            Check(e.Operation == Operation.RetrieveToken && e.HttpStatus == 400 && e.Status == Status.Gateway && e.Stage == Stage.Answered
                && !e.Ok, "gateway error " + e);
            Refused(() => c.CreateToken("{\"sourceOfFunds\": {\"type\": \"CARD\", \"provided\": {\"card\": {\"number\": \"5123450000000009\"," +
                " \"expiry\": {\"month\": \"13\", \"year\": \"30\"}}}}}"), Status.Validation);
            e = One(events);
            Check(e.Attempts == 0 && e.HttpStatus == 0 && e.Status == Status.Validation && e.Stage == Stage.NotSent, "refused " + e);
            c.CreateSessionAsync().Wait();
            Check(One(events).Operation == Operation.CreateSession, "async");
        }
        using (var f = new Client(config(Env("MPGS_FAULT_URL"), Env("MPGS_FAULT_CA"))))
        {
            Refused(() => f.CreateToken(CardToken), Status.Io);
            var e = One(events);
            Check(e.OutcomeUnknown && e.Stage == Stage.Unanswered && e.HttpStatus == 0 && e.Attempts == 1, "unanswered " + e);
        }
    }

    static void OnCallThrowingNeverBreaksTheCall()
    {
        var said = new StringWriter();
        var original = Console.Error;
        Console.SetError(said);
        try
        {
            using (var c = new Client(new Config
            {
                MerchantId = Env("MPGS_MERCHANT_ID"), Password = Env("MPGS_PASSWORD"), BaseUrl = Env("MPGS_BASE_URL"), CaFile = Env("MPGS_CA_FILE"),
                OnCall = ev => { throw new InvalidOperationException("hook bug"); },
            }))
            {
                Check(c.CreateSession().HttpStatus == 201, "the call went on");
                Check(c.CreateSessionAsync().Result.HttpStatus == 201, "the async call went on");
            }
        }
        finally
        {
            Console.SetError(original);
        }
        Check(said.ToString().Contains("OnCall") && said.ToString().Contains("hook bug"), "reported: " + said);
    }

    static void CertificateNotAfter()
    {
        var certFile = Env("MPGS_CLIENT_CERT");
        using (var c = new Client(new Config
        {
            MerchantId = Env("MPGS_CERT_MERCHANT_ID"), CertFile = certFile, KeyFile = Env("MPGS_CLIENT_KEY"),
            BaseUrl = Env("MPGS_BASE_URL"), CaFile = Env("MPGS_CA_FILE"),
        }))
        {
            var want = new DateTimeOffset(new System.Security.Cryptography.X509Certificates.X509Certificate2(certFile).NotAfter.ToUniversalTime());
            var got = c.CertificateNotAfter();
            Check(got.HasValue && got.Value == want, "notAfter " + got + " want " + want);
        }
        using (var p = NewClient())
            Check(p.CertificateNotAfter() == null, "none with a password");
    }

    static void ANulIsRefusedNamingItAndNeverTruncated()
    {
        using (var c = NewClient())
        {
            var token = c.CreateToken(CardToken).Value;
            var e = Refused(() => c.DeleteToken(token + "\0/../x"), Status.InvalidArgument);
            Check(e.Field == "token" && e.Stage == Stage.NotSent && e.Message.Contains("NUL"), "DeleteToken " + e);
            Refused(() => c.RetrieveToken(token + "\0"), Status.InvalidArgument);
            Check(c.RetrieveToken(token).Value == token, "the token survives");
            var id = c.CreateSession().Id;
            Check(Refused(() => c.UpdateSession(id + "\0x", "{}"), Status.InvalidArgument).Field == "sessionId", "sessionId");
            Check(Refused(() => c.RetrieveSession(id, "v\0"), Status.InvalidArgument).Field == "expectedVersion", "expectedVersion");
            Check(Refused(() => c.CreateSession("{}\0{"), Status.InvalidArgument).Field == "json", "json");
            Check(Refused(() => Client.Validate(Operation.CreateSession, "{}\0x"), Status.InvalidArgument).Field == "json", "Validate");
            c.DeleteToken(token);
        }
        Check(Refused(() => NewClient(password: Env("MPGS_PASSWORD") + "\0x"), Status.InvalidArgument).Field == "password", "password");
        Check(Refused(() => NewClient(url: Env("MPGS_BASE_URL") + "\0x"), Status.InvalidArgument).Field == "baseUrl", "baseUrl");
        Check(Refused(() => NewClient(ca: Env("MPGS_CA_FILE") + "\0x"), Status.InvalidArgument).Field == "caFile", "caFile");
    }

    static void Run(string name, Action test)
    {
        try
        {
            test();
            passed++;
            Console.WriteLine("ok " + name);
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine("FAIL " + name + ": " + e);
        }
    }

    static int Main()
    {
        Run("till flow", TillFlow);
        Run("a wrong password is an authentication failure", WrongPasswordIsAnAuthenticationFailure);
        Run("a transport failure leaves the outcome unknown", TransportFailureLeavesTheOutcomeUnknown);
        Run("Parallel.For shares one client", ParallelForSharesOneClient);
        Run("handles are released", HandlesAreReleased);
        Run("a disposed client fails cleanly", DisposedClientFailsCleanly);
        Run("a non-http proxy is a config error without its password", ANonHttpProxyIsAConfigErrorWithoutItsPassword);
        Run("TokenApiVersion 70 and ValidationLevel.Strict", TokenApiVersionAndValidationLevel);
        Run("Trust.CaFilesOnly works with the sandbox CA, Trust.Mozilla refuses it", TrustCaFilesOnlyAndMozilla);
        Run("the Hosted Session flow", HostedSessionFlow);
        Run("the package: its library, Tasks, verbatim on request", ThePackage);
        Run("TokenRepositoryUniqueCard sends a cut-off Create Token again", UniqueCardRepeatsAToken);
        Run("OnCall sees every call without a secret", OnCallSeesEveryCallWithoutASecret);
        Run("an OnCall hook that throws never breaks the call", OnCallThrowingNeverBreaksTheCall);
        Run("CertificateNotAfter: the certificate's notAfter, null with a password", CertificateNotAfter);
        Run("a NUL is refused naming it and never truncated", ANulIsRefusedNamingItAndNeverTruncated);
        Run("Connect() and ConnectAsync() warm the connection the next call uses; a closed port: Connect", ConnectWarmsTheConnectionTheNextCallUses);
        Console.WriteLine("csharp: {0} passed, {1} failed", passed, failed);
        return failed == 0 ? 0 : 1;
    }
}
