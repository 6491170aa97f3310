package mpgs_test

// The till flow against the sandbox (MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID,
// MPGS_PASSWORD; MPGS_FAULT_URL and MPGS_FAULT_CA: a sandbox that closes every connection
// without answering). tests/languages/run.sh starts both.

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	mpgs "github.com/mpgs-rs/mpgs/bindings/go"
)

const cardToken = `{"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",
  "expiry": {"month": "5", "year": "30"}, "securityCode": "123"}}}, "verificationStrategy": "BASIC"}`

// Secrets the tests send; none may show in an error string.
var secrets = []string{"sandbox-password", "Wr0ng-Pa55-c41d", "5123450000000008", "5123450000000009", "7319", "84736251"}

func env(t testing.TB, name string) string {
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run tests/languages/run.sh", name)
	}
	return v
}

func client(t testing.TB, url, password, ca string) *mpgs.Client {
	retries := 0
	c, err := mpgs.NewClient(mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: password, BaseURL: url,
		CAFile: ca, Timeout: 5 * time.Second, MaxRetries: &retries})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func sandbox(t testing.TB) *mpgs.Client {
	return client(t, env(t, "MPGS_BASE_URL"), env(t, "MPGS_PASSWORD"), env(t, "MPGS_CA_FILE"))
}

// asError checks err is an *mpgs.Error with status want, and that no way of printing it shows a secret.
func asError(t *testing.T, err error, want mpgs.Status) *mpgs.Error {
	t.Helper()
	var e *mpgs.Error
	if !errors.As(err, &e) {
		t.Fatalf("want an *mpgs.Error, got %v", err)
	}
	if e.Status != want {
		t.Fatalf("want %v, got %v: %v", want, e.Status, e)
	}
	for _, text := range []string{e.Error(), fmt.Sprintf("%+v", *e), fmt.Sprintf("%#v", e.FieldErrors)} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("error text holds secret %q: %s", s, text)
			}
		}
	}
	return e
}

func TestTillFlow(t *testing.T) {
	c := sandbox(t)
	defer c.Close()

	s, err := c.CreateSession(`{"session": {"authenticationLimit": 5}, "correlationId": "till-1"}`)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == "" || s.Result != "SUCCESS" || s.HTTPStatus != 201 || s.CorrelationID != "till-1" ||
		s.AuthenticationLimit == nil || *s.AuthenticationLimit != 5 || s.AES256Key == "" {
		t.Fatalf("session: %+v", s)
	}

	tok, err := c.CreateToken(cardToken)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "" || tok.Status != "VALID" || tok.CardNumber != "512345xxxxxx0008" || tok.CardBrand != "MASTERCARD" ||
		tok.CardExpiry != "0530" || strings.Contains(tok.JSON, "5123450000000008") {
		t.Fatalf("token: %+v", tok)
	}

	// A refused request: every field error, nothing sent.
	_, err = c.CreateToken(`{"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008-",
	  "securityCode": "7319x", "expiry": {"month": "13", "year": "30"}}}}}`)
	e := asError(t, err, mpgs.StatusValidation)
	if e.Stage != mpgs.StageNotSent || e.Attempts != 0 || len(e.FieldErrors) < 3 || e.Field != e.FieldErrors[0].Field {
		t.Fatalf("validation error: %+v", e)
	}
	seen := map[string]bool{}
	for _, fe := range e.FieldErrors {
		seen[fe.Field] = fe.ValidationType != "" && fe.Explanation != ""
	}
	for _, f := range []string{"sourceOfFunds.provided.card.number", "sourceOfFunds.provided.card.securityCode", "sourceOfFunds.provided.card.expiry.month"} {
		if !seen[f] {
			t.Errorf("no field error for %s in %+v", f, e.FieldErrors)
		}
	}

	// The gateway's refusal: cause, field, HTTP status.
	_, err = c.CreateToken(strings.Replace(cardToken, "5123450000000008", "5123450000000009", 1))
	e = asError(t, err, mpgs.StatusGateway)
	if e.HTTPStatus != 400 || e.Cause != "INVALID_REQUEST" || e.Field != "sourceOfFunds.provided.card.number" || e.Stage != mpgs.StageAnswered || e.OutcomeUnknown {
		t.Fatalf("gateway error: %+v", e)
	}
}

func TestWrongPasswordIsAnAuthenticationFailure(t *testing.T) {
	c := client(t, env(t, "MPGS_BASE_URL"), "Wr0ng-Pa55-c41d", env(t, "MPGS_CA_FILE"))
	defer c.Close()
	_, err := c.CreateToken(cardToken)
	e := asError(t, err, mpgs.StatusAuthentication)
	if e.HTTPStatus != 401 || e.Stage != mpgs.StageAnswered || e.OutcomeUnknown {
		t.Fatalf("401: %+v", e)
	}
}

func TestTransportFailureLeavesTheOutcomeUnknown(t *testing.T) {
	c := client(t, env(t, "MPGS_FAULT_URL"), env(t, "MPGS_PASSWORD"), env(t, "MPGS_FAULT_CA"))
	defer c.Close()
	_, err := c.CreateToken(cardToken)
	e := asError(t, err, mpgs.StatusIO)
	if !e.OutcomeUnknown || e.Stage != mpgs.StageUnanswered || e.HTTPStatus != 0 {
		t.Fatalf("transport failure: %+v", e)
	}
}

func TestGoroutinesShareOneClient(t *testing.T) {
	c := sandbox(t)
	defer c.Close()
	const goroutines, calls = 16, 50
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	ids := sync.Map{}
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				s, err := c.CreateSession(fmt.Sprintf(`{"correlationId": "g%d-%d"}`, g, i))
				if err != nil {
					errs <- err
					continue
				}
				if s.CorrelationID != fmt.Sprintf("g%d-%d", g, i) {
					errs <- fmt.Errorf("answer of another call: %s", s.CorrelationID)
				}
				if _, dup := ids.LoadOrStore(s.ID, true); dup {
					errs <- fmt.Errorf("session id %s twice", s.ID)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// rssKiB is the resident memory after a garbage collection that hands free memory back.
func rssKiB(t testing.TB) int {
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	var size, resident int
	fmt.Sscan(string(b), &size, &resident)
	return resident * os.Getpagesize() / 1024
}

// 10,000 calls, each a session and a refused request, after 1,000 to warm up: the resident
// memory may not grow by 4 MiB (leaking every session handle grows it by some 34 MiB).
func TestHandlesAreReleased(t *testing.T) {
	c := sandbox(t)
	defer c.Close()
	bad := `{"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "12"}}}}`
	run := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := c.CreateSession(`{"correlationId": "rss"}`); err != nil {
				t.Fatal(err)
			}
			if err := mpgs.Validate(mpgs.CreateToken, bad); err == nil {
				t.Fatal("validation passed")
			}
		}
	}
	run(1000)
	before := rssKiB(t)
	run(10000)
	after := rssKiB(t)
	fmt.Printf("go: RSS after 1,000 calls %d KiB, after 10,000 more %d KiB (growth %d KiB)\n", before, after, after-before)
	if after-before > 4096 {
		t.Fatalf("RSS grew by %d KiB over 10,000 calls", after-before)
	}
}

func TestClosedClientFailsCleanly(t *testing.T) {
	c := sandbox(t)
	c.Close()
	c.Close()
	_, err := c.CreateSession("")
	asError(t, err, mpgs.StatusInvalidArgument)
}

func TestANonHTTPProxyIsAConfigErrorWithoutThePassword(t *testing.T) {
	_, err := mpgs.NewClient(mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"),
		BaseURL: env(t, "MPGS_BASE_URL"), CAFile: env(t, "MPGS_CA_FILE"), Proxy: "socks5://user:pr0xy-secret@127.0.0.1:1"})
	e := asError(t, err, mpgs.StatusConfig)
	for _, text := range []string{e.Error(), fmt.Sprintf("%+v", *e)} {
		if strings.Contains(text, "pr0xy-secret") {
			t.Errorf("error text holds the proxy password: %s", text)
		}
	}
}

func TestValidationLevelAtANewerTokenAPIVersion(t *testing.T) {
	const named = `{"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",
	  "expiry": {"month": "5", "year": "30"}, "nameOnCard": "A Customer"}}}}`
	retries := 0
	cfg := mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"), BaseURL: env(t, "MPGS_BASE_URL"),
		CAFile: env(t, "MPGS_CA_FILE"), Timeout: 5 * time.Second, MaxRetries: &retries, TokenAPIVersion: 70}

	// Version 70, ValidationAuto: known fields only, so a field the tables (version 38) lack passes.
	c, err := mpgs.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer c.Close()
	tok, err := c.CreateToken(named)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "" || tok.APIVersion != 70 || tok.CardNumber != "512345xxxxxx0008" {
		t.Fatalf("token: %+v", tok)
	}

	// The same settings with ValidationStrict: nameOnCard is UNSUPPORTED, nothing sent.
	cfg.ValidationLevel = mpgs.ValidationStrict
	strict, err := mpgs.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer strict.Close()
	_, err = strict.CreateToken(named)
	e := asError(t, err, mpgs.StatusValidation)
	found := false
	for _, fe := range e.FieldErrors {
		if fe.Field == "sourceOfFunds.provided.card.nameOnCard" && fe.ValidationType == "UNSUPPORTED" {
			found = true
		}
	}
	if !found || e.Stage != mpgs.StageNotSent {
		t.Fatalf("want an UNSUPPORTED error on sourceOfFunds.provided.card.nameOnCard: %+v", e)
	}
}

func TestTrustCAFilesOnlyWorksWithTheSandboxCAAndMozillaRefusesIt(t *testing.T) {
	retries := 0
	cfg := mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"), BaseURL: env(t, "MPGS_BASE_URL"),
		CAFile: env(t, "MPGS_CA_FILE"), Timeout: 5 * time.Second, MaxRetries: &retries, Trust: mpgs.TrustCAFilesOnly}
	pinned, err := mpgs.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer pinned.Close()
	if s, err := pinned.CreateSession(""); err != nil || s.HTTPStatus != 201 {
		t.Fatalf("pinned to the sandbox CA: %+v %v", s, err)
	}
	// Pinned without a CA file: refused when built, naming the setting.
	cfg.CAFile = ""
	_, err = mpgs.NewClient(cfg)
	if e := asError(t, err, mpgs.StatusConfig); !strings.Contains(e.Message, "ca-files-only") {
		t.Fatalf("message: %s", e.Message)
	}
	// The Mozilla roots alone do not trust the sandbox.
	cfg.Trust = mpgs.TrustMozilla
	moz, err := mpgs.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer moz.Close()
	_, err = moz.CreateSession("")
	if e := asError(t, err, mpgs.StatusTLS); e.OutcomeUnknown {
		t.Fatalf("a refused certificate sent nothing: %+v", e)
	}
}

// The Hosted Session flow (issue 21): update with a card, retrieve and check readiness,
// tokenize from the session, retrieve and delete the token; bad ids refused before sending.
func TestHostedSessionFlow(t *testing.T) {
	c := sandbox(t)
	defer c.Close()
	s, err := c.CreateSession("")
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.UpdateSession(s.ID, `{"sourceOfFunds": {"provided": {"card": {"number": "5123450000000008",
  "expiry": {"month": "5", "year": "30"}}}}}`)
	if err != nil || page.UpdateStatus != "SUCCESS" {
		t.Fatalf("UpdateSession: %v %+v", err, page)
	}
	got, err := c.RetrieveSession(s.ID, page.Version)
	if err != nil || got.Readiness != mpgs.Ready || got.APIVersion != 58 {
		t.Fatalf("RetrieveSession: %v %v", err, got)
	}
	if stale, _ := c.RetrieveSession(s.ID, "0000000000"); stale.Readiness != mpgs.VersionDiffers {
		t.Fatalf("a stale version: %v", stale.Readiness)
	}
	if strings.Contains(got.JSON, "5123450000000008") || !strings.Contains(got.JSON, "512345xxxxxx0008") {
		t.Fatalf("the card is not masked: %s", got.JSON)
	}
	tok, err := c.CreateToken(`{"session": {"id": "` + s.ID + `"}, "sourceOfFunds": {"type": "CARD"}}`)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.RetrieveToken(tok.Token)
	if err != nil || again.Token != tok.Token || again.CardNumber != "512345xxxxxx0008" || again.APIVersion != 38 {
		t.Fatalf("RetrieveToken: %v %+v", err, again)
	}
	d, err := c.DeleteToken(tok.Token)
	if err != nil || d.Result != "SUCCESS" || d.Attempts != 1 {
		t.Fatalf("DeleteToken: %v %+v", err, d)
	}
	_, err = c.RetrieveToken(tok.Token)
	if e := asError(t, err, mpgs.StatusGateway); e.HTTPStatus != 400 {
		t.Fatalf("a deleted token: %+v", e)
	}
	_, err = c.RetrieveSession("SESSION0002695081404E6099215K60/../x", "")
	if e := asError(t, err, mpgs.StatusValidation); e.Field != "sessionId" || e.Stage != mpgs.StageNotSent {
		t.Fatalf("a bad session id: %+v", e)
	}
	_, err = c.DeleteToken("91/23")
	if e := asError(t, err, mpgs.StatusValidation); e.Field != "tokenid" {
		t.Fatalf("a bad token: %+v", e)
	}
	info, err := c.CheckGateway()
	if err != nil || !info.Operating || info.Status != "OPERATING" || info.GatewayVersion == "" {
		t.Fatalf("CheckGateway: %v %+v", err, info)
	}
	if mpgs.NoCardDetails.String() != "MPGS_READINESS_NO_CARD_DETAILS" {
		t.Fatal(mpgs.NoCardDetails.String())
	}
}

// The package: its own library at its version, every call from goroutines on one client, the
// verbatim answer only on request, and which file is mapped (tests/dist/languages.sh reads it:
// the module links libmpgs statically, so no libmpgs.so may be mapped unless built -tags
// mpgs_system).
func TestThePackage(t *testing.T) {
	if mpgs.Version() != mpgs.PackageVersion {
		t.Fatalf("mpgs_version() is %s, the package %s", mpgs.Version(), mpgs.PackageVersion)
	}
	retries := 0
	c, err := mpgs.NewClient(mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"),
		BaseURL: env(t, "MPGS_BASE_URL"), CAFile: env(t, "MPGS_CA_FILE"), Timeout: 5 * time.Second, MaxRetries: &retries,
		TokenRepositoryUniqueCard: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tok, err := c.CreateToken(cardToken)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{fmt.Sprintf("%v", tok), fmt.Sprintf("%+v", *tok), fmt.Sprintf("%#v", *tok), tok.JSON} {
		if strings.Contains(text, "5123450000000008") {
			t.Fatalf("a printed token shows the card number: %s", text)
		}
	}
	if !strings.Contains(tok.JSONVerbatim(), tok.Token) {
		t.Fatalf("JSONVerbatim: %s", tok.JSONVerbatim())
	}
	// The workflow calls from goroutines at once on one client.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, call := range []func() error{
		func() error { _, err := c.RetrieveToken(tok.Token); return err },
		func() error { _, err := c.CheckGateway(); return err },
		func() error { _, err := c.CreateSession(""); return err },
		func() error { _, err := c.CreateSession(`{"correlationId": "g"}`); return err },
	} {
		wg.Add(1)
		go func(f func() error) { defer wg.Done(); errs <- f() }(call)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.CreateSession("")
	if err != nil || !strings.Contains(s.JSONVerbatim(), s.ID) || s.AES256Key == "" {
		t.Fatalf("session verbatim: %v", err)
	}
	marshalled, _ := json.Marshal(s)
	cfg := mpgs.Config{MerchantID: "TESTMERCHANT", Password: "Go-Secret-Pw-77", Proxy: "http://u:Proxy-Pw-88@127.0.0.1:1"}
	for _, shown := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", []mpgs.Config{cfg})} {
		if strings.Contains(shown, "Go-Secret-Pw-77") || strings.Contains(shown, "Proxy-Pw-88") {
			t.Fatalf("a printed config shows a secret: %s", shown)
		}
	}
	for _, text := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", *s), fmt.Sprintf("%#v", s), fmt.Sprintf("%v", []*mpgs.Session{s}), string(marshalled)} {
		if strings.Contains(text, s.AES256Key) {
			t.Fatalf("a printed session shows the AES key: %s", text)
		}
	}
	d, err := c.DeleteToken(tok.Token)
	if err != nil || !strings.Contains(d.JSON, "SUCCESS") {
		t.Fatalf("DeleteToken JSON: %v %+v", err, d)
	}
	info, err := c.CheckGateway()
	if err != nil || !strings.Contains(info.JSON, "OPERATING") {
		t.Fatalf("CheckGateway JSON: %v %+v", err, info)
	}
	named := `{"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",
  "expiry": {"month": "5", "year": "30"}, "nameOnCard": "A"}}}}`
	if err := mpgs.ValidateAt(mpgs.CreateToken, 70, mpgs.ValidationAuto, named); err != nil {
		t.Fatal(err)
	}
	e := asError(t, mpgs.ValidateAt(mpgs.CreateToken, 70, mpgs.ValidationStrict, named), mpgs.StatusValidation)
	if e.FieldErrors[0].Field != "sourceOfFunds.provided.card.nameOnCard" {
		t.Fatalf("strict at 70: %+v", e.FieldErrors)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if f := strings.Fields(line); len(f) > 5 && strings.Contains(f[5], "libmpgs") {
			fmt.Println("mpgs-loaded: " + f[5])
			return
		}
	}
	exe, _ := os.Executable()
	fmt.Println("mpgs-loaded: " + exe + " (static)")
}

// MPGS_UNIQUE_URL answers once, then closes the reused connection under the next request: with
// TokenRepositoryUniqueCard the Create Token is sent again on a new connection.
func TestUniqueCardRepeatsAToken(t *testing.T) {
	retries := 2
	c, err := mpgs.NewClient(mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"),
		BaseURL: env(t, "MPGS_UNIQUE_URL"), CAFile: env(t, "MPGS_UNIQUE_CA"), Timeout: 5 * time.Second, MaxRetries: &retries,
		TokenRepositoryUniqueCard: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for want := 1; want <= 2; want++ {
		tok, err := c.CreateToken(cardToken)
		if err != nil || tok.Attempts != want {
			t.Fatalf("token %d: %v %+v", want, err, tok)
		}
	}
}

// noSecretIn checks that no way of printing an event shows a secret.
func noSecretIn(t *testing.T, e mpgs.CallEvent) {
	t.Helper()
	for _, text := range []string{fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("event holds secret %q: %s", s, text)
			}
		}
	}
}

func TestOnCallSeesEveryCallWithoutASecret(t *testing.T) {
	var mu sync.Mutex
	var events []mpgs.CallEvent
	onCall := func(e mpgs.CallEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }
	last := func() mpgs.CallEvent {
		mu.Lock()
		defer mu.Unlock()
		if len(events) != 1 {
			t.Fatalf("want one event, got %d: %+v", len(events), events)
		}
		e := events[0]
		events = nil
		noSecretIn(t, e)
		return e
	}
	retries := 0
	merchant := env(t, "MPGS_MERCHANT_ID")
	c, err := mpgs.NewClient(mpgs.Config{MerchantID: merchant, Password: env(t, "MPGS_PASSWORD"),
		BaseURL: env(t, "MPGS_BASE_URL"), CAFile: env(t, "MPGS_CA_FILE"), Timeout: 5 * time.Second, MaxRetries: &retries, OnCall: onCall})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	tk, err := c.CreateToken(cardToken)
	if err != nil {
		t.Fatal(err)
	}
	e := last()
	want := "/api/rest/version/38/merchant/" + merchant + "/token"
	if e.Operation != mpgs.CreateToken || e.OperationName != "Create or Update Token" || e.Method != "POST" || e.Path != want ||
		e.APIVersion != 38 || e.HTTPStatus != 201 || e.Attempts != 1 || e.Elapsed <= 0 || e.OutcomeUnknown ||
		e.Status != mpgs.StatusOK || e.Stage != mpgs.StageUnknown || !e.OK() {
		t.Fatalf("success: %+v", e)
	}
	if _, err := c.DeleteToken(tk.Token); err != nil {
		t.Fatal(err)
	}
	if e := last(); e.Operation != mpgs.DeleteToken || e.Method != "DELETE" || !strings.HasPrefix(e.Path, want+"/") {
		t.Fatalf("delete: %+v", e)
	}
	_, err = c.RetrieveToken(tk.Token)
	asError(t, err, mpgs.StatusGateway)
	if e := last(); e.Operation != mpgs.RetrieveToken || e.HTTPStatus != 400 || e.Status != mpgs.StatusGateway ||
		e.Stage != mpgs.StageAnswered || e.OK() {
		t.Fatalf("gateway error: %+v", e)
	}
	_, err = c.CreateToken(`{"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000009", "expiry": {"month": "13", "year": "30"}}}}}`)
	asError(t, err, mpgs.StatusValidation)
	if e := last(); e.Attempts != 0 || e.HTTPStatus != 0 || e.Status != mpgs.StatusValidation || e.Stage != mpgs.StageNotSent {
		t.Fatalf("refused before sending: %+v", e)
	}

	f, err := mpgs.NewClient(mpgs.Config{MerchantID: merchant, Password: env(t, "MPGS_PASSWORD"),
		BaseURL: env(t, "MPGS_FAULT_URL"), CAFile: env(t, "MPGS_FAULT_CA"), Timeout: 5 * time.Second, MaxRetries: &retries, OnCall: onCall})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = f.CreateToken(cardToken)
	asError(t, err, mpgs.StatusIO)
	if e := last(); !e.OutcomeUnknown || e.Stage != mpgs.StageUnanswered || e.HTTPStatus != 0 || e.Attempts != 1 {
		t.Fatalf("unanswered: %+v", e)
	}
}

func TestOnCallPanicNeverBreaksTheCall(t *testing.T) {
	var logged strings.Builder
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	c, err := mpgs.NewClient(mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"),
		BaseURL: env(t, "MPGS_BASE_URL"), CAFile: env(t, "MPGS_CA_FILE"), OnCall: func(mpgs.CallEvent) { panic("hook bug") }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.CreateSession("")
	if err != nil || s.HTTPStatus != 201 {
		t.Fatalf("the call broke: %v %+v", err, s)
	}
	if !strings.Contains(logged.String(), "OnCall") || !strings.Contains(logged.String(), "hook bug") {
		t.Fatalf("the panic was not logged: %q", logged.String())
	}
}

func TestCertificateNotAfter(t *testing.T) {
	certFile := env(t, "MPGS_CLIENT_CERT")
	c, err := mpgs.NewClient(mpgs.Config{MerchantID: env(t, "MPGS_CERT_MERCHANT_ID"), CertFile: certFile,
		KeyFile: env(t, "MPGS_CLIENT_KEY"), BaseURL: env(t, "MPGS_BASE_URL"), CAFile: env(t, "MPGS_CA_FILE")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pemText, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemText)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.CertificateNotAfter()
	if err != nil || !ok || !got.Equal(cert.NotAfter) {
		t.Fatalf("CertificateNotAfter: %v %v %v, want %v", got, ok, err, cert.NotAfter)
	}
	p := sandbox(t)
	defer p.Close()
	if got, ok, err := p.CertificateNotAfter(); err != nil || ok || !got.IsZero() {
		t.Fatalf("with a password: %v %v %v", got, ok, err)
	}
}

func TestANULIsRefusedNamingItAndNeverTruncated(t *testing.T) {
	c := sandbox(t)
	defer c.Close()
	tk, err := c.CreateToken(cardToken)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteToken(tk.Token + "\x00/../x")
	if e := asError(t, err, mpgs.StatusInvalidArgument); e.Field != "token" || e.Stage != mpgs.StageNotSent ||
		!strings.Contains(e.Message, "NUL") {
		t.Fatalf("DeleteToken: %+v", e)
	}
	_, err = c.RetrieveToken(tk.Token + "\x00")
	asError(t, err, mpgs.StatusInvalidArgument)
	if again, err := c.RetrieveToken(tk.Token); err != nil || again.Token != tk.Token {
		t.Fatalf("the token did not survive: %v", err)
	}
	s, err := c.CreateSession("")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"sessionId":       func() error { _, err := c.UpdateSession(s.ID+"\x00x", "{}"); return err },
		"expectedVersion": func() error { _, err := c.RetrieveSession(s.ID, "v\x00"); return err },
		"json":            func() error { _, err := c.CreateSession(`{"correlationId": "a"}` + "\x00{"); return err },
	} {
		if e := asError(t, f(), mpgs.StatusInvalidArgument); e.Field != name {
			t.Fatalf("%s: %+v", name, e)
		}
	}
	if e := asError(t, mpgs.Validate(mpgs.CreateSession, "{}\x00x"), mpgs.StatusInvalidArgument); e.Field != "json" {
		t.Fatalf("Validate: %+v", e)
	}
	if _, err := c.DeleteToken(tk.Token); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"merchantId", "password", "baseUrl", "caFile"} {
		cfg := mpgs.Config{MerchantID: env(t, "MPGS_MERCHANT_ID"), Password: env(t, "MPGS_PASSWORD"),
			BaseURL: env(t, "MPGS_BASE_URL"), CAFile: env(t, "MPGS_CA_FILE")}
		switch name {
		case "merchantId":
			cfg.MerchantID += "\x00x"
		case "password":
			cfg.Password += "\x00x"
		case "baseUrl":
			cfg.BaseURL += "\x00x"
		case "caFile":
			cfg.CAFile += "\x00x"
		}
		_, err := mpgs.NewClient(cfg)
		if e := asError(t, err, mpgs.StatusInvalidArgument); e.Field != name {
			t.Fatalf("%s: %+v", name, e)
		}
	}
}

// sandboxConnections is the sandbox's admin count of connections accepted (its own request is one
// more).
func sandboxConnections(t *testing.T) int {
	t.Helper()
	pool := x509.NewCertPool()
	ca, err := os.ReadFile(env(t, "MPGS_CA_FILE"))
	if err != nil || !pool.AppendCertsFromPEM(ca) {
		t.Fatalf("CA file: %v", err)
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}
	res, err := hc.Get(env(t, "MPGS_BASE_URL") + "/_sandbox/stats")
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	defer res.Body.Close()
	var stats struct{ Connections int }
	if err := json.NewDecoder(res.Body).Decode(&stats); err != nil {
		t.Fatalf("stats: %v", err)
	}
	return stats.Connections
}

func TestConnectWarmsTheConnectionTheNextCallUses(t *testing.T) {
	c := sandbox(t)
	defer c.Close()
	before := sandboxConnections(t)
	if err := c.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if err := c.Connect(); err != nil { // an idle connection is fit already: nothing more
		t.Fatalf("Connect again: %v", err)
	}
	warm := sandboxConnections(t)
	if warm != before+2 { // the warm one and this stats request
		t.Fatalf("connections %d after Connect, want %d", warm, before+2)
	}
	s, err := c.CreateSession(`{}`)
	if err != nil || s.Attempts != 1 {
		t.Fatalf("CreateSession after Connect: %+v %v", s, err)
	}
	if after := sandboxConnections(t); after != warm+1 { // only this stats request
		t.Fatalf("connections %d, want %d: the call did not reuse the warm connection", after, warm+1)
	}
}

func TestConnectToAClosedPortIsAConnectErrorNothingSent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	c := client(t, fmt.Sprintf("https://127.0.0.1:%d", port), env(t, "MPGS_PASSWORD"), env(t, "MPGS_CA_FILE"))
	defer c.Close()
	e := asError(t, c.Connect(), mpgs.StatusConnect)
	if e.OutcomeUnknown {
		t.Fatalf("want the outcome known (nothing sent): %+v", *e)
	}
}
