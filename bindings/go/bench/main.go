// Command bench (make bench): Create Session calls per second on one goroutine over one
// keep-alive HTTPS connection, through libmpgs and through Go's own net/http doing the same call
// (same sandbox, same CA, same body, Basic auth, the answer read whole and its 201 checked).
//
//	bench mpgs N      -> calls/s
//	bench nethttp N   -> calls/s
//
// Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	mpgs "github.com/mpgs-rs/mpgs/bindings/go"
)

const body = `{"correlationId":"bench","session":{"authenticationLimit":5}}`

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// rate runs 10 warm-up calls, then n timed ones; calls/s.
func rate(n int, call func() error) float64 {
	for i := 0; i < 10; i++ {
		must(call())
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		must(call())
	}
	return float64(n) / time.Since(start).Seconds()
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bench mpgs|nethttp N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	must(err)
	merchant, password := os.Getenv("MPGS_MERCHANT_ID"), os.Getenv("MPGS_PASSWORD")
	switch os.Args[1] {
	case "mpgs":
		c, err := mpgs.NewClient(mpgs.Config{MerchantID: merchant, Password: password,
			BaseURL: os.Getenv("MPGS_BASE_URL"), CAFile: os.Getenv("MPGS_CA_FILE")})
		must(err)
		defer c.Close()
		fmt.Printf("%.1f\n", rate(n, func() error { _, err := c.CreateSession(body); return err }))
	case "nethttp":
		pem, err := os.ReadFile(os.Getenv("MPGS_CA_FILE"))
		must(err)
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		url := os.Getenv("MPGS_BASE_URL") + "/api/rest/version/58/merchant/" + merchant + "/session"
		fmt.Printf("%.1f\n", rate(n, func() error {
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
			if err != nil {
				return err
			}
			req.SetBasicAuth("merchant."+merchant, password)
			req.Header.Set("Content-Type", "application/json;charset=UTF-8")
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			defer res.Body.Close()
			if _, err := io.ReadAll(res.Body); err != nil {
				return err
			}
			if res.StatusCode != 201 {
				return fmt.Errorf("HTTP %d", res.StatusCode)
			}
			return nil
		}))
	default:
		fmt.Fprintln(os.Stderr, "usage: bench mpgs|nethttp N")
		os.Exit(2)
	}
}
