// Package mpgs is a Mastercard Payment Gateway (MPGS) client: libmpgs (the mpgs C library,
// written in Rust) through cgo.
//
// The module carries libmpgs for linux/amd64 as a static library (lib/linux-amd64/libmpgs.a,
// glibc 2.17 or newer) with its header (include/mpgs.h), linked by #cgo flags relative to the
// module's own folder: `go build` needs a C compiler (cgo) but no installed libmpgs, and the
// program needs no libmpgs.so at run time. Build with `-tags mpgs_system` to link an installed
// libmpgs found by `pkg-config mpgs` instead (other platforms, a system-wide install).
//
// A *Client is safe for concurrent use by many goroutines; Close it once no goroutine uses it.
// Each call blocks its goroutine (and the OS thread under it) for the length of the call, so
// concurrency is the Go way: one goroutine per call, any number at once on one Client.
// Answers (Session, Token) are plain Go values: the C handles behind them are already released.
// A failed call returns an *Error carrying every field of the C library's mpgs_error.
package mpgs

// #include <mpgs.h>
// #include <stdlib.h>
// #include <string.h>
import "C"

import (
	"runtime"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// Status is the C library's mpgs_status.
type Status uint32

// The statuses; the numbers are the C library's and never change.
const (
	StatusOK              Status = C.MPGS_STATUS_OK
	StatusInvalidArgument Status = C.MPGS_STATUS_INVALID_ARGUMENT
	StatusConfig          Status = C.MPGS_STATUS_CONFIG
	StatusValidation      Status = C.MPGS_STATUS_VALIDATION
	StatusGateway         Status = C.MPGS_STATUS_GATEWAY
	StatusAuthentication  Status = C.MPGS_STATUS_AUTHENTICATION
	StatusDecode          Status = C.MPGS_STATUS_DECODE
	StatusConnect         Status = C.MPGS_STATUS_CONNECT
	StatusTLS             Status = C.MPGS_STATUS_TLS
	StatusTimeout         Status = C.MPGS_STATUS_TIMEOUT
	StatusIO              Status = C.MPGS_STATUS_IO
	StatusNotFound        Status = C.MPGS_STATUS_NOT_FOUND
	StatusInternal        Status = C.MPGS_STATUS_INTERNAL
)

// String is the status's C name, e.g. "MPGS_STATUS_VALIDATION".
func (s Status) String() string { return C.GoString(C.mpgs_status_name(C.uint32_t(s))) }

// Stage says where a call failed.
type Stage uint32

// The stages.
const (
	StageUnknown    Stage = C.MPGS_STAGE_UNKNOWN
	StageNotSent    Stage = C.MPGS_STAGE_NOT_SENT
	StageAnswered   Stage = C.MPGS_STAGE_ANSWERED
	StageUnanswered Stage = C.MPGS_STAGE_UNANSWERED
)

// Operation names a gateway operation (the C library's mpgs_operation); Validate takes the three
// with a body.
type Operation uint32

// The operations.
const (
	CreateSession   Operation = C.MPGS_OPERATION_CREATE_SESSION
	CreateToken     Operation = C.MPGS_OPERATION_CREATE_TOKEN
	UpdateSession   Operation = C.MPGS_OPERATION_UPDATE_SESSION
	RetrieveSession Operation = C.MPGS_OPERATION_RETRIEVE_SESSION
	RetrieveToken   Operation = C.MPGS_OPERATION_RETRIEVE_TOKEN
	DeleteToken     Operation = C.MPGS_OPERATION_DELETE_TOKEN
	CheckGateway    Operation = C.MPGS_OPERATION_CHECK_GATEWAY
)

// Readiness says whether a session can be tokenized (the C library's mpgs_readiness, decided by
// the core's rule: updateStatus SUCCESS, card details present, the expected version).
type Readiness uint32

// The readiness values; the numbers are the C library's and never change.
const (
	Ready          Readiness = C.MPGS_READINESS_READY
	NotUpdated     Readiness = C.MPGS_READINESS_NOT_UPDATED
	NoCardDetails  Readiness = C.MPGS_READINESS_NO_CARD_DETAILS
	VersionDiffers Readiness = C.MPGS_READINESS_VERSION_DIFFERS
)

// String is the readiness's C name, e.g. "MPGS_READINESS_NO_CARD_DETAILS".
func (r Readiness) String() string { return C.GoString(C.mpgs_readiness_name(C.uint32_t(r))) }

// ValidationLevel is how strictly a client checks requests before sending them (the C
// library's mpgs_validation_level; the numbers are the C library's and never change).
type ValidationLevel uint32

// The validation levels.
const (
	// ValidationAuto is the default: the documented field tables in full at the documented API
	// versions (Create Session 58, Create or Update Token 38), ValidationKnownFields at any other.
	ValidationAuto ValidationLevel = C.MPGS_VALIDATION_LEVEL_AUTO
	// ValidationStrict is the documented field tables in full at any version: an unknown field
	// is UNSUPPORTED.
	ValidationStrict ValidationLevel = C.MPGS_VALIDATION_LEVEL_STRICT
	// ValidationKnownFields checks only known fields' JSON types (and sourceOfFunds.type).
	ValidationKnownFields ValidationLevel = C.MPGS_VALIDATION_LEVEL_KNOWN_FIELDS
	// ValidationOff skips client-side field checks (the body must still be a JSON object).
	ValidationOff ValidationLevel = C.MPGS_VALIDATION_LEVEL_OFF
)

// Trust is which roots a client trusts for the gateway's certificate (the C library's
// mpgs_trust; the numbers are the C library's and never change). CAFile is trusted with every
// choice; verification is never turned off.
type Trust uint32

// The trust choices.
const (
	// TrustMozilla is the default: the Mozilla roots bundled in the library, plus CAFile.
	TrustMozilla Trust = C.MPGS_TRUST_MOZILLA
	// TrustSystem is the operating system's store (SSL_CERT_FILE / SSL_CERT_DIR when set,
	// otherwise the usual bundle such as /etc/ssl/certs/ca-certificates.crt), plus CAFile.
	TrustSystem Trust = C.MPGS_TRUST_SYSTEM
	// TrustCAFilesOnly is only CAFile (pinning); NewClient fails with StatusConfig without one.
	TrustCAFilesOnly Trust = C.MPGS_TRUST_CA_FILES_ONLY
)

// FieldError is one field problem.
type FieldError struct {
	Field          string // dotted path, e.g. sourceOfFunds.provided.card.number
	ValidationType string // INVALID, MISSING or UNSUPPORTED
	Explanation    string
}

// Error is a failed call: every detail of the C library's mpgs_error. It never holds a secret.
type Error struct {
	Status         Status
	Stage          Stage
	Message        string
	HTTPStatus     int  // 0 when no answer came
	OutcomeUnknown bool // no answer, and the gateway may have processed the request
	Attempts       int
	Cause          string // the gateway's error.cause, "" when absent
	Field          string
	ValidationType string
	Explanation    string
	SupportCode    string
	GatewayJSON    string
	FieldErrors    []FieldError // every problem of a refused request
}

func (e *Error) Error() string { return e.Message }

// Version is the linked library's version, "MAJOR.MINOR.PATCH" (PackageVersion).
func Version() string { return C.GoString(C.mpgs_version()) }

var (
	versionOnce sync.Once
	versionErr  error
)

// checkVersion: the library linked must be this package's version (a mpgs_system build may link
// another install).
func checkVersion() error {
	versionOnce.Do(func() {
		if v := Version(); v != PackageVersion {
			versionErr = &Error{Status: StatusConfig, Message: "mpgs: libmpgs " + v + " is linked, this package is " + PackageVersion}
		}
	})
	return versionErr
}

func str(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// takeError copies a C error into an *Error and releases it.
func takeError(status C.mpgs_status, e *C.mpgs_error) error {
	defer C.mpgs_error_free(e)
	if e == nil {
		return &Error{Status: Status(status), Message: Status(status).String()}
	}
	out := &Error{
		Status:         Status(C.mpgs_error_status(e)),
		Stage:          Stage(C.mpgs_error_stage(e)),
		Message:        str(C.mpgs_error_message(e)),
		HTTPStatus:     int(C.mpgs_error_http_status(e)),
		OutcomeUnknown: bool(C.mpgs_error_outcome_unknown(e)),
		Attempts:       int(C.mpgs_error_attempts(e)),
		Cause:          str(C.mpgs_error_cause(e)),
		Field:          str(C.mpgs_error_field(e)),
		ValidationType: str(C.mpgs_error_validation_type(e)),
		Explanation:    str(C.mpgs_error_explanation(e)),
		SupportCode:    str(C.mpgs_error_support_code(e)),
		GatewayJSON:    str(C.mpgs_error_gateway_json(e)),
	}
	n := C.mpgs_error_field_error_count(e)
	for i := C.size_t(0); i < n; i++ {
		var fe C.mpgs_field_error
		if C.mpgs_error_field_error(e, i, &fe) == C.MPGS_STATUS_OK {
			out.FieldErrors = append(out.FieldErrors, FieldError{str(fe.field), str(fe.validation_type), str(fe.explanation)})
		}
	}
	return out
}

// cstring is a C copy of s that free wipes before releasing (it may hold a card number).
type cstring struct {
	p *C.char
	n int
}

func newCString(s string) cstring { return cstring{C.CString(s), len(s)} }

func (c cstring) free() {
	C.memset(unsafe.Pointer(c.p), 0, C.size_t(c.n))
	C.free(unsafe.Pointer(c.p))
}

// Config holds the client settings. MerchantID and either Password or CertFile+KeyFile are
// required, and either BaseURL or Region. Zero values keep the defaults: zero durations, a nil
// MaxRetries, zero API versions, ValidationAuto, no proxy.
type Config struct {
	MerchantID     string
	Password       string
	CertFile       string
	KeyFile        string
	BaseURL        string
	Region         string // na, eu, ap, in, cn, ksa or mtf
	CAFile         string // extra CA certificates (PEM), for a private test host
	ConnectTimeout time.Duration
	Timeout        time.Duration
	MaxRetries     *int
	// Proxy is an HTTP CONNECT proxy, http://[user:password@]host:port, for https:// requests;
	// any other scheme makes NewClient fail with StatusConfig.
	Proxy        string
	ProxyFromEnv bool // use HTTPS_PROXY / ALL_PROXY unless NO_PROXY matches; Proxy wins over it
	// SessionAPIVersion and TokenAPIVersion are the API versions in Create Session's and
	// Create or Update Token's paths (0: the defaults, 58 and 38).
	SessionAPIVersion uint32
	TokenAPIVersion   uint32
	ValidationLevel   ValidationLevel // ValidationAuto (the zero value) by default
	Trust             Trust           // TrustMozilla (the zero value) by default
	// TokenRepositoryUniqueCard says the merchant's token repository is configured "Unique
	// Card" (Create or Update Token with a card already held returns the same token): only then
	// is a Create Token cut off on a reused connection before any answer byte sent again.
	TokenRepositoryUniqueCard bool
	// OnCall is called once after every call of the client (a success, a failure, or a call
	// refused before sending) with its event, on the calling goroutine before the call returns.
	// Keep it short; it must not call the client. A panic in it is logged and the call goes on.
	// The client holds it until Close (a hook that refers to its own client keeps it from being
	// collected unclosed: Close it).
	OnCall func(CallEvent)
}

// String is the text of %v and %+v: the merchant and where calls go, never the password or the
// proxy's credentials.
func (c Config) String() string {
	where := c.BaseURL
	if where == "" {
		where = c.Region
	}
	auth := "password"
	if c.Password == "" {
		auth = "certificate"
	}
	return "mpgs.Config{MerchantID: " + c.MerchantID + ", " + where + ", " + auth + " auth}"
}

// GoString is %#v's text: as String.
func (c Config) GoString() string { return c.String() }

// Client is a libmpgs client. Safe for concurrent use; Close releases it.
type Client struct {
	mu       sync.RWMutex // Close waits for calls under way
	ptr      *C.mpgs_client
	observer *observer // the OnCall hook, kept as long as the C client
}

// NewClient checks every setting and makes a client.
func NewClient(cfg Config) (*Client, error) {
	if err := checkVersion(); err != nil {
		return nil, err
	}
	if err := noNUL("merchantId", cfg.MerchantID, "password", cfg.Password, "certFile", cfg.CertFile,
		"keyFile", cfg.KeyFile, "baseUrl", cfg.BaseURL, "region", cfg.Region, "caFile", cfg.CAFile,
		"proxy", cfg.Proxy); err != nil {
		return nil, err
	}
	id := newCString(cfg.MerchantID)
	defer id.free()
	var config *C.mpgs_config
	var e *C.mpgs_error
	if s := C.mpgs_config_new(id.p, &config, &e); s != C.MPGS_STATUS_OK {
		return nil, takeError(s, e)
	}
	defer C.mpgs_config_free(config)
	set1 := func(v string, f func(*C.char) C.mpgs_status) error {
		if v == "" {
			return nil
		}
		c := newCString(v)
		defer c.free()
		if s := f(c.p); s != C.MPGS_STATUS_OK {
			return takeError(s, e)
		}
		return nil
	}
	u32 := func(v uint32, f func(C.uint32_t) C.mpgs_status) error {
		if v == 0 {
			return nil
		}
		if s := f(C.uint32_t(v)); s != C.MPGS_STATUS_OK {
			return takeError(s, e)
		}
		return nil
	}
	ms := func(d time.Duration, f func(C.uint32_t) C.mpgs_status) error {
		if d <= 0 {
			return nil
		}
		if s := f(C.uint32_t(d / time.Millisecond)); s != C.MPGS_STATUS_OK {
			return takeError(s, e)
		}
		return nil
	}
	steps := []func() error{
		func() error {
			return set1(cfg.Password, func(p *C.char) C.mpgs_status { return C.mpgs_config_set_password(config, p, &e) })
		},
		func() error {
			if cfg.CertFile == "" && cfg.KeyFile == "" {
				return nil
			}
			cert, key := newCString(cfg.CertFile), newCString(cfg.KeyFile)
			defer cert.free()
			defer key.free()
			if s := C.mpgs_config_set_certificate_files(config, cert.p, key.p, &e); s != C.MPGS_STATUS_OK {
				return takeError(s, e)
			}
			return nil
		},
		func() error {
			return set1(cfg.BaseURL, func(p *C.char) C.mpgs_status { return C.mpgs_config_set_base_url(config, p, &e) })
		},
		func() error {
			return set1(cfg.Region, func(p *C.char) C.mpgs_status { return C.mpgs_config_set_region(config, p, &e) })
		},
		func() error {
			return set1(cfg.CAFile, func(p *C.char) C.mpgs_status { return C.mpgs_config_add_ca_file(config, p, &e) })
		},
		func() error {
			return ms(cfg.ConnectTimeout, func(v C.uint32_t) C.mpgs_status { return C.mpgs_config_set_connect_timeout_ms(config, v, &e) })
		},
		func() error {
			return ms(cfg.Timeout, func(v C.uint32_t) C.mpgs_status { return C.mpgs_config_set_timeout_ms(config, v, &e) })
		},
		func() error {
			if cfg.MaxRetries == nil {
				return nil
			}
			if s := C.mpgs_config_set_max_retries(config, C.uint32_t(*cfg.MaxRetries), &e); s != C.MPGS_STATUS_OK {
				return takeError(s, e)
			}
			return nil
		},
		func() error {
			return set1(cfg.Proxy, func(p *C.char) C.mpgs_status { return C.mpgs_config_set_proxy(config, p, &e) })
		},
		func() error {
			if !cfg.ProxyFromEnv {
				return nil
			}
			if s := C.mpgs_config_set_proxy_from_env(config, true, &e); s != C.MPGS_STATUS_OK {
				return takeError(s, e)
			}
			return nil
		},
		func() error {
			return u32(cfg.SessionAPIVersion, func(v C.uint32_t) C.mpgs_status { return C.mpgs_config_set_session_api_version(config, v, &e) })
		},
		func() error {
			return u32(cfg.TokenAPIVersion, func(v C.uint32_t) C.mpgs_status { return C.mpgs_config_set_token_api_version(config, v, &e) })
		},
		func() error {
			return u32(uint32(cfg.ValidationLevel), func(v C.uint32_t) C.mpgs_status { return C.mpgs_config_set_validation_level(config, v, &e) })
		},
		func() error {
			return u32(uint32(cfg.Trust), func(v C.uint32_t) C.mpgs_status { return C.mpgs_config_set_trust(config, v, &e) })
		},
		func() error {
			if !cfg.TokenRepositoryUniqueCard {
				return nil
			}
			if s := C.mpgs_config_set_token_repository_unique_card(config, true, &e); s != C.MPGS_STATUS_OK {
				return takeError(s, e)
			}
			return nil
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	c := &Client{}
	if cfg.OnCall != nil {
		o := newObserver(cfg.OnCall)
		if s := o.set(config, &e); s != C.MPGS_STATUS_OK {
			o.release()
			return nil, takeError(s, e)
		}
		c.observer = o
	}
	if s := C.mpgs_client_new(config, &c.ptr, &e); s != C.MPGS_STATUS_OK {
		c.observer.release()
		return nil, takeError(s, e)
	}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// Close releases the client, once calls under way have returned. Calls after Close fail with
// StatusInvalidArgument. Closing twice is harmless.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	C.mpgs_client_free(c.ptr)
	c.ptr = nil
	c.observer.release()
	c.observer = nil
	runtime.SetFinalizer(c, nil)
	return nil
}

// Session is a created session.
type Session struct {
	ID                  string
	AES256Key           string `json:"-"` // a secret: never log it (left out of JSON)
	Version             string
	UpdateStatus        string
	Merchant            string
	Result              string
	CorrelationID       string
	AuthenticationLimit *uint32
	HTTPStatus          int
	APIVersion          int
	Attempts            int
	JSON                string // the whole answer, secrets masked
	// Readiness: whether the session can be tokenized, judged by the core when the answer was
	// read, against the expected version given to RetrieveSession (none for the other calls).
	Readiness Readiness
	verbatim  func() string // a func, so that fmt's %v and %+v never print the text
}

// String names the session without its AES key (fmt's %v and %+v use it).
func (s Session) String() string { return "Session " + s.ID + " (" + s.Result + ")" }

// GoString is %#v's text: without the AES key.
func (s Session) GoString() string {
	return "mpgs.Session{ID: " + strconv.Quote(s.ID) + ", Result: " + strconv.Quote(s.Result) + "}"
}

// JSONVerbatim is the answer exactly as the gateway sent it: with
// responseControls.sensitiveData it holds card numbers and the AES key in clear. Never log it;
// fmt never prints it.
func (s *Session) JSONVerbatim() string { return s.verbatim() }

// DeleteResult is what Delete Token answered.
type DeleteResult struct {
	Result, CorrelationID            string
	HTTPStatus, APIVersion, Attempts int
	JSON                             string // the whole answer, secrets masked
}

// GatewayInfo is what Check Gateway answered.
type GatewayInfo struct {
	GatewayVersion, Status           string // Status: OPERATING or SHUTDOWN
	Operating                        bool
	HTTPStatus, APIVersion, Attempts int
	JSON                             string // the whole answer
}

// Token is a created or updated token. Card numbers are masked (512345xxxxxx0008).
type Token struct {
	Token, Status, RepositoryID, GatewayCode, Result, VerificationStrategy string
	SourceOfFundsType, CorrelationID                                       string
	CardBrand, CardNumber, CardExpiry, CardScheme, CardFundingMethod       string
	CardIssuer, CardLocalBrand                                             string
	ACHAccountType, ACHBankAccountHolder, ACHRoutingNumber, ACHSecCode     string
	GiftCardBrand, GiftCardLocalBrand, GiftCardNumber, GiftCardScheme      string
	UsageLastUpdated, UsageLastUpdatedBy, UsageLastUsed                    string
	HTTPStatus, APIVersion, Attempts                                       int
	JSON                                                                   string // the whole answer, secrets masked
	verbatim                                                               func() string
}

// JSONVerbatim is the answer exactly as the gateway sent it (card numbers in clear when asked
// for with responseControls.sensitiveData). Never log it; fmt never prints it.
func (t *Token) JSONVerbatim() string { return t.verbatim() }

// verbatim keeps a copy of text that only a call returns.
func verbatim(text string) func() string { return func() string { return text } }

// CreateSession runs Create Session with body, a JSON request in the gateway's shape ("" for
// an empty one). Every field rule is checked before anything is sent.
func (c *Client) CreateSession(body string) (*Session, error) {
	if err := noNUL("json", body); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	var js *C.char
	if body != "" {
		b := newCString(body)
		defer b.free()
		js = b.p
	}
	var s *C.mpgs_session
	var e *C.mpgs_error
	if st := C.mpgs_client_create_session(c.ptr, js, &s, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	return readSession(s, nil), nil
}

// readSession copies a session handle into a Session and releases it; expected (nil for none)
// is the version its readiness is judged against.
func readSession(s *C.mpgs_session, expected *C.char) *Session {
	defer C.mpgs_session_free(s)
	out := &Session{
		ID:            str(C.mpgs_session_id(s)),
		AES256Key:     str(C.mpgs_session_aes256_key(s)),
		Version:       str(C.mpgs_session_version(s)),
		UpdateStatus:  str(C.mpgs_session_update_status(s)),
		Merchant:      str(C.mpgs_session_merchant(s)),
		Result:        str(C.mpgs_session_result(s)),
		CorrelationID: str(C.mpgs_session_correlation_id(s)),
		HTTPStatus:    int(C.mpgs_session_http_status(s)),
		APIVersion:    int(C.mpgs_session_api_version(s)),
		Attempts:      int(C.mpgs_session_attempts(s)),
		JSON:          str(C.mpgs_session_json(s)),
	}
	var limit C.uint32_t
	if C.mpgs_session_authentication_limit(s, &limit) {
		l := uint32(limit)
		out.AuthenticationLimit = &l
	}
	out.Readiness = Readiness(C.mpgs_session_ready_for_token(s, expected))
	out.verbatim = verbatim(str(C.mpgs_session_json_verbatim(s)))
	return out
}

// RetrieveSession runs Retrieve Session: the session's stored fields, card details masked.
// sessionID is checked before anything is sent (an *Error naming sessionId). Readiness is judged
// against expectedVersion, the version the payment page reported ("" for none).
func (c *Client) RetrieveSession(sessionID, expectedVersion string) (*Session, error) {
	if err := noNUL("sessionId", sessionID, "expectedVersion", expectedVersion); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	id := newCString(sessionID)
	defer id.free()
	var ev *C.char
	if expectedVersion != "" {
		v := newCString(expectedVersion)
		defer v.free()
		ev = v.p
	}
	var s *C.mpgs_session
	var e *C.mpgs_error
	if st := C.mpgs_client_retrieve_session(c.ptr, id.p, &s, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	return readSession(s, ev), nil
}

// UpdateSession runs Update Session: stores body's fields (JSON, nested or dotted) in the
// session. Known fields (sourceOfFunds.*, session.*) are checked; any other field passes.
func (c *Client) UpdateSession(sessionID, body string) (*Session, error) {
	if err := noNUL("sessionId", sessionID, "json", body); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	id := newCString(sessionID)
	defer id.free()
	b := newCString(body)
	defer b.free()
	var s *C.mpgs_session
	var e *C.mpgs_error
	if st := C.mpgs_client_update_session(c.ptr, id.p, b.p, &s, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	return readSession(s, nil), nil
}

// RetrieveToken runs Retrieve Token: the details stored against token, card number masked.
func (c *Client) RetrieveToken(token string) (*Token, error) {
	if err := noNUL("token", token); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	tk := newCString(token)
	defer tk.free()
	var t *C.mpgs_token
	var e *C.mpgs_error
	if st := C.mpgs_client_retrieve_token(c.ptr, tk.p, &t, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	return readToken(t), nil
}

// DeleteToken runs Delete Token: the token is then unknown to the gateway.
func (c *Client) DeleteToken(token string) (*DeleteResult, error) {
	if err := noNUL("token", token); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	tk := newCString(token)
	defer tk.free()
	var d *C.mpgs_delete_result
	var e *C.mpgs_error
	if st := C.mpgs_client_delete_token(c.ptr, tk.p, &d, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	defer C.mpgs_delete_result_free(d)
	return &DeleteResult{
		Result:        str(C.mpgs_delete_result_result(d)),
		CorrelationID: str(C.mpgs_delete_result_correlation_id(d)),
		HTTPStatus:    int(C.mpgs_delete_result_http_status(d)),
		APIVersion:    int(C.mpgs_delete_result_api_version(d)),
		Attempts:      int(C.mpgs_delete_result_attempts(d)),
		JSON:          str(C.mpgs_delete_result_json(d)),
	}, nil
}

// CheckGateway runs Check Gateway. It sends no credentials (it needs none), so it proves nothing
// about them.
func (c *Client) CheckGateway() (*GatewayInfo, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var i *C.mpgs_gateway_info
	var e *C.mpgs_error
	if st := C.mpgs_client_check_gateway(c.ptr, &i, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	defer C.mpgs_gateway_info_free(i)
	return &GatewayInfo{
		GatewayVersion: str(C.mpgs_gateway_info_gateway_version(i)),
		Status:         str(C.mpgs_gateway_info_status(i)),
		Operating:      bool(C.mpgs_gateway_info_is_operating(i)),
		HTTPStatus:     int(C.mpgs_gateway_info_http_status(i)),
		APIVersion:     int(C.mpgs_gateway_info_api_version(i)),
		Attempts:       int(C.mpgs_gateway_info_attempts(i)),
		JSON:           str(C.mpgs_gateway_info_json(i)),
	}, nil
}

// CreateToken runs Create or Update Token with body, a JSON request in the gateway's shape.
func (c *Client) CreateToken(body string) (*Token, error) {
	if err := noNUL("json", body); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	b := newCString(body)
	defer b.free()
	var t *C.mpgs_token
	var e *C.mpgs_error
	if st := C.mpgs_client_create_token(c.ptr, b.p, &t, &e); st != C.MPGS_STATUS_OK {
		return nil, takeError(st, e)
	}
	return readToken(t), nil
}

// readToken copies a token handle into a Token and releases it.
func readToken(t *C.mpgs_token) *Token {
	defer C.mpgs_token_free(t)
	return &Token{
		Token:                str(C.mpgs_token_token(t)),
		Status:               str(C.mpgs_token_status(t)),
		RepositoryID:         str(C.mpgs_token_repository_id(t)),
		GatewayCode:          str(C.mpgs_token_gateway_code(t)),
		Result:               str(C.mpgs_token_result(t)),
		VerificationStrategy: str(C.mpgs_token_verification_strategy(t)),
		SourceOfFundsType:    str(C.mpgs_token_source_of_funds_type(t)),
		CorrelationID:        str(C.mpgs_token_correlation_id(t)),
		CardBrand:            str(C.mpgs_token_card_brand(t)),
		CardNumber:           str(C.mpgs_token_card_number(t)),
		CardExpiry:           str(C.mpgs_token_card_expiry(t)),
		CardScheme:           str(C.mpgs_token_card_scheme(t)),
		CardFundingMethod:    str(C.mpgs_token_card_funding_method(t)),
		CardIssuer:           str(C.mpgs_token_card_issuer(t)),
		CardLocalBrand:       str(C.mpgs_token_card_local_brand(t)),
		HTTPStatus:           int(C.mpgs_token_http_status(t)),
		APIVersion:           int(C.mpgs_token_api_version(t)),
		Attempts:             int(C.mpgs_token_attempts(t)),
		ACHAccountType:       str(C.mpgs_token_ach_account_type(t)),
		ACHBankAccountHolder: str(C.mpgs_token_ach_bank_account_holder(t)),
		ACHRoutingNumber:     str(C.mpgs_token_ach_routing_number(t)),
		ACHSecCode:           str(C.mpgs_token_ach_sec_code(t)),
		GiftCardBrand:        str(C.mpgs_token_gift_card_brand(t)),
		GiftCardLocalBrand:   str(C.mpgs_token_gift_card_local_brand(t)),
		GiftCardNumber:       str(C.mpgs_token_gift_card_number(t)),
		GiftCardScheme:       str(C.mpgs_token_gift_card_scheme(t)),
		UsageLastUpdated:     str(C.mpgs_token_usage_last_updated(t)),
		UsageLastUpdatedBy:   str(C.mpgs_token_usage_last_updated_by(t)),
		UsageLastUsed:        str(C.mpgs_token_usage_last_used(t)),
		JSON:                 str(C.mpgs_token_json(t)),
		verbatim:             verbatim(str(C.mpgs_token_json_verbatim(t))),
	}
}

// Validate checks a JSON body for op against every documented rule without sending it; the
// *Error (StatusValidation) lists every problem in FieldErrors.
func Validate(op Operation, body string) error {
	if err := checkVersion(); err != nil {
		return err
	}
	if err := noNUL("json", body); err != nil {
		return err
	}
	b := newCString(body)
	defer b.free()
	var e *C.mpgs_error
	if st := C.mpgs_validate(C.uint32_t(op), b.p, &e); st != C.MPGS_STATUS_OK {
		return takeError(st, e)
	}
	return nil
}

// ValidateAt checks a JSON body for op as a client at apiVersion (0: the operation's documented
// one) and level would before sending it.
func ValidateAt(op Operation, apiVersion uint32, level ValidationLevel, body string) error {
	if err := checkVersion(); err != nil {
		return err
	}
	if err := noNUL("json", body); err != nil {
		return err
	}
	b := newCString(body)
	defer b.free()
	var e *C.mpgs_error
	if st := C.mpgs_validate_at(C.uint32_t(op), C.uint32_t(apiVersion), C.uint32_t(level), b.p, &e); st != C.MPGS_STATUS_OK {
		return takeError(st, e)
	}
	return nil
}
