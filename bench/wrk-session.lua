-- wrk: POST Create Session to the sandbox with Basic auth (TESTMERCHANT / sandbox-password).
wrk.method = "POST"
wrk.path = "/api/rest/version/58/merchant/TESTMERCHANT/session"
wrk.body = '{"correlationId":"bench","session":{"authenticationLimit":5}}'
wrk.headers["Content-Type"] = "application/json;charset=UTF-8"
wrk.headers["Authorization"] = "Basic bWVyY2hhbnQuVEVTVE1FUkNIQU5UOnNhbmRib3gtcGFzc3dvcmQ="
