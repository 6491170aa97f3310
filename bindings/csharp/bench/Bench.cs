// make bench: Create Session calls per second on one thread over one keep-alive HTTPS
// connection, through libmpgs and through the runtime's own HttpClient doing the same call (same
// sandbox, the same CA trusted, same body, Basic auth, the answer read whole and its 201 checked).
//   mono Bench.exe mpgs N         -> calls/s
//   mono Bench.exe httpclient N   -> calls/s
// Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Mpgs;

static class Bench
{
    const string Body = "{\"correlationId\":\"bench\",\"session\":{\"authenticationLimit\":5}}";

    static double Rate(int n, Action call)
    {
        for (int i = 0; i < 10; i++) call();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) call();
        return n / clock.Elapsed.TotalSeconds;
    }

    static byte[] Der(string pemFile)
    {
        var b64 = File.ReadAllLines(pemFile).Where(l => !l.StartsWith("-----")).ToArray();
        return Convert.FromBase64String(string.Join("", b64));
    }

    static int Main(string[] args)
    {
        if (args.Length != 2) { Console.Error.WriteLine("usage: Bench.exe mpgs|httpclient N"); return 2; }
        int n = int.Parse(args[1], CultureInfo.InvariantCulture);
        string merchant = Environment.GetEnvironmentVariable("MPGS_MERCHANT_ID");
        string password = Environment.GetEnvironmentVariable("MPGS_PASSWORD");
        string baseUrl = Environment.GetEnvironmentVariable("MPGS_BASE_URL");
        string caFile = Environment.GetEnvironmentVariable("MPGS_CA_FILE");
        double rate;
        if (args[0] == "mpgs")
        {
            using (var c = new Client(new Config { MerchantId = merchant, Password = password, BaseUrl = baseUrl, CaFile = caFile }))
                rate = Rate(n, () => c.CreateSession(Body));
        }
        else if (args[0] == "httpclient")
        {
            // Mono cannot read the sandbox's ECDSA keys, so its HttpClient trusts the sandbox by
            // pinning: the server must present exactly the certificate in server.pem beside ca.pem.
            var pinned = Der(Path.Combine(Path.GetDirectoryName(caFile), "server.pem"));
            var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) =>
                    cert.GetRawCertData().SequenceEqual(pinned),
            };
            using (var http = new HttpClient(handler))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes("merchant." + merchant + ":" + password)));
                var url = baseUrl + "/api/rest/version/58/merchant/" + merchant + "/session";
                rate = Rate(n, () =>
                {
                    using (var content = new StringContent(Body, Encoding.UTF8, "application/json"))
                    using (var res = http.PostAsync(url, content).GetAwaiter().GetResult())
                    {
                        res.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                        if ((int)res.StatusCode != 201) throw new Exception("HTTP " + (int)res.StatusCode);
                    }
                });
            }
        }
        else { Console.Error.WriteLine("usage: Bench.exe mpgs|httpclient N"); return 2; }
        Console.WriteLine(rate.ToString("F1", CultureInfo.InvariantCulture));
        return 0;
    }
}
