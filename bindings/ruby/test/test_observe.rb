# frozen_string_literal: true

# The on_call hook, the client certificate's expiry, and NUL in strings, against the sandbox (the
# variables of test_till.rb). Run with test_till.rb by `make test-php-ruby` and, through the
# installed gem, by tests/dist/php-ruby.sh:
#   ruby -Ilib test/test_observe.rb
require "minitest/autorun"
require "json"
require "openssl"
require "mpgs"

class ObserveTest < Minitest::Test
  CARD_TOKEN = {
    sourceOfFunds: { type: "CARD", provided: { card: { number: "5123450000000008", expiry: { month: "5", year: "30" }, securityCode: "7319" } } },
    verificationStrategy: "BASIC",
  }.freeze
  SECRETS = ["sandbox-password", "5123450000000008", "5123450000000009", "7319", "Authorization", "Basic "].freeze

  def env(name)
    ENV.fetch(name) { flunk "#{name} is not set: run tests/dist/php-ruby.sh or make test-php-ruby" }
  end

  def options(**more)
    { merchant_id: env("MPGS_MERCHANT_ID"), password: env("MPGS_PASSWORD"), base_url: env("MPGS_BASE_URL"),
      ca_file: env("MPGS_CA_FILE"), timeout: 5, max_retries: 0 }.merge(more)
  end

  # A client whose hook keeps every event in @events.
  def client(**more)
    @events ||= []
    Mpgs::Client.new(**options(**more)) { |e| @events << e }
  end

  # The event of the last call; one per call.
  def last(count)
    assert_equal count, @events.size, "one event per call"
    @events.last
  end

  def assert_no_secret(event)
    [event.inspect, event.to_s, event.to_h.to_s, JSON.generate(event.to_h), Marshal.dump(event)].each do |text|
      SECRETS.each { |s| refute_includes text, s, "a call event holds #{s}" }
    end
  end

  def test_events_of_a_success_a_gateway_error_a_refusal_before_sending_and_a_transport_failure
    c = client
    s = c.create_session({ correlationId: "obs-1" })
    e = last(1)
    assert_equal :create_session, e.operation
    assert_equal "Create Session", e.operation_name
    assert_equal "POST", e.http_method
    assert_equal "/api/rest/version/58/merchant/#{env('MPGS_MERCHANT_ID')}/session", e.path
    assert_equal 58, e.api_version
    assert_equal 201, e.http_status
    assert_equal 1, e.attempts
    assert_operator e.elapsed, :>, 0
    assert_operator e.elapsed, :<, 5.5
    refute e.outcome_unknown?
    assert_equal 0, e.status
    assert_equal "MPGS_STATUS_OK", e.status_name
    assert_nil e.error_kind
    assert_nil e.stage
    assert e.ok?
    assert e.frozen?
    assert e.path.frozen?

    # The gateway's refusal (a card number failing its check, with the security code).
    bad = JSON.generate(CARD_TOKEN).sub("5123450000000008", "5123450000000009")
    g = assert_raises(Mpgs::GatewayError) { c.create_token(bad) }
    e = last(2)
    assert_equal :create_token, e.operation
    assert_equal "/api/rest/version/38/merchant/#{env('MPGS_MERCHANT_ID')}/token", e.path
    assert_equal 38, e.api_version
    assert_equal 400, e.http_status
    assert_equal g.attempts, e.attempts
    assert_equal :gateway, e.error_kind
    assert_equal g.status, e.status
    assert_equal :answered, e.stage
    refute e.ok?

    # Refused before sending: an event with 0 attempts, no HTTP status, stage :not_sent.
    assert_raises(Mpgs::ValidationError) do
      c.create_token({ sourceOfFunds: { type: "CARD", provided: { card: { number: "5123450000000008-", securityCode: "7319x", expiry: { month: "13", year: "30" } } } } })
    end
    e = last(3)
    assert_equal [0, nil, :validation, :not_sent, false], [e.attempts, e.http_status, e.error_kind, e.stage, e.outcome_unknown?]
    assert_raises(Mpgs::ValidationError) { c.retrieve_session("SESSION0002/../x") }
    assert last(4).path.end_with?("/session/{sessionId}"), last(4).path

    # Ids as sent; a token id that could be a card number masked 6.4.
    c.update_session(s.id, { order: { currency: "USD" } })
    e = last(5)
    assert_equal [:update_session, "PUT", 200], [e.operation, e.http_method, e.http_status]
    assert e.path.end_with?("/session/#{s.id}"), e.path
    assert_raises(Mpgs::GatewayError) { c.delete_token("5123450000000008") }
    e = last(6)
    assert_equal [:delete_token, "DELETE"], [e.operation, e.http_method]
    assert e.path.end_with?("/token/512345xxxxxx0008"), e.path
    c.check_gateway
    assert_equal [:check_gateway, "GET", 200], [last(7).operation, last(7).http_method, last(7).http_status]

    # No answer: the connection closed after sending.
    f = client(base_url: env("MPGS_FAULT_URL"), ca_file: env("MPGS_FAULT_CA"))
    io = assert_raises(Mpgs::IOError) { f.create_token(CARD_TOKEN) }
    e = last(8)
    assert_equal [:io, :unanswered, true, nil], [e.error_kind, e.stage, e.outcome_unknown?, e.http_status]
    assert_equal io.attempts, e.attempts

    @events.each { |event| assert_no_secret(event) }
  end

  def test_a_raising_hook_never_breaks_the_call_and_is_warned
    calls = 0
    c = Mpgs::Client.new(**options, on_call: lambda { |e|
      calls += 1
      raise ArgumentError, "hook failed on purpose" if e.ok?

      raise NotImplementedError, "a ScriptError, not a StandardError"
    })
    _, err = capture_io do
      assert_equal 201, c.create_session.http_status
      assert_equal "512345xxxxxx0008", c.create_token(CARD_TOKEN).card_number
      # A failed call raises its own error, not the hook's.
      assert_raises(Mpgs::ValidationError) { c.create_token({ sourceOfFunds: { type: "CARD" } }) }
    end
    assert_equal 3, calls
    assert_equal 2, err.scan("mpgs: the on_call hook raised ArgumentError: hook failed on purpose").size, err
    assert_includes err, "mpgs: the on_call hook raised NotImplementedError: a ScriptError, not a StandardError"
  end

  def test_the_hook_runs_after_libmpgs_returned_and_may_use_the_client
    seen = []
    c = nil
    c = Mpgs::Client.new(**options, on_call: lambda { |e|
      seen << e.operation
      c.check_gateway if e.operation == :create_session
    })
    c.create_session
    assert_equal %i[create_session check_gateway], seen
  end

  def test_on_call_must_be_callable_and_one_way_given
    e = assert_raises(Mpgs::ConfigError) { Mpgs::Client.new(**options, on_call: "not callable") }
    assert_equal "on_call", e.field
    e = assert_raises(Mpgs::ConfigError) { Mpgs::Client.new(**options, on_call: ->(_) {}) { |_| nil } }
    assert_equal "on_call", e.field
  end

  # The ffi gem takes the GVL back for the observer, which libmpgs calls inside a blocking call
  # (the GVL released): each thread's events reach the hook on that thread, and calls still run
  # side by side.
  def test_threads_each_get_their_own_events_and_calls_still_release_the_gvl
    seen = Queue.new
    c = Mpgs::Client.new(**options, on_call: ->(e) { seen << [Thread.current, e.path] })
    ids = Array.new(8) { c.create_session.id }
    seen.clear
    threads = ids.map { |id| Thread.new { 10.times { c.retrieve_session(id) } } }
    threads.each(&:join)
    events = Array.new(seen.size) { seen.pop }
    assert_equal 80, events.size
    threads.zip(ids).each do |thread, id|
      mine = events.select { |t, _| t == thread }
      assert_equal 10, mine.size
      mine.each { |_, path| assert path.end_with?("/session/#{id}"), "#{path} is another thread's call" }
    end
    # Eight calls of 200 ms each from eight threads, each with a hook: about 0.2 s when each call
    # lets go of the GVL while it waits, 1.6 s when they queue behind it.
    count = Queue.new
    slow = Mpgs::Client.new(**options(base_url: env("MPGS_SLOW_URL"), ca_file: env("MPGS_SLOW_CA")), on_call: ->(e) { count << e })
    slow.create_session
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    8.times.map { Thread.new { slow.create_session } }.each(&:join)
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    assert_equal 9, count.size
    assert_operator elapsed, :<, 1.2, "8 threads took #{elapsed.round(2)} s: the calls hold the GVL"
  end

  def test_the_client_certificates_expiry
    cert = Mpgs::Client.new(merchant_id: env("MPGS_CERT_MERCHANT_ID"), cert_file: env("MPGS_CLIENT_CERT"),
                            key_file: env("MPGS_CLIENT_KEY"), base_url: env("MPGS_BASE_URL"), ca_file: env("MPGS_CA_FILE"))
    expiry = cert.client_certificate_expiry
    assert_kind_of Time, expiry
    assert expiry.utc?
    assert_equal OpenSSL::X509::Certificate.new(File.read(env("MPGS_CLIENT_CERT"))).not_after.to_i, expiry.to_i
    assert_nil client.client_certificate_expiry
    closed = client
    closed.close
    assert_raises(Mpgs::InvalidArgumentError) { closed.client_certificate_expiry }
  end

  # The block must refuse a NUL with an Mpgs::InvalidArgumentError naming +name+.
  def refuses_nul(name, &block)
    e = assert_raises(Mpgs::InvalidArgumentError, &block)
    assert_equal name, e.field
    assert_equal :not_sent, e.stage
    assert_equal 1, e.status
    assert_includes e.message, "NUL"
    refute_includes e.message, "\0"
  end

  def test_a_nul_is_refused_never_cut_short
    # C reads up to the NUL: "<token>\0/../x" would delete <token>.
    plain = Mpgs::Client.new(**options)
    token = plain.create_token(CARD_TOKEN).token
    refuses_nul("token") { plain.delete_token("#{token}\0/../x") }
    assert_equal token, plain.retrieve_token(token).token, "the token was deleted"
    c = client
    refuses_nul("token") { c.delete_token("#{token}\0/../x") }
    assert_equal token, c.retrieve_token(token).token, "the token was deleted"
    assert_equal 1, @events.size, "a call refused before it reached libmpgs has no event"
    refuses_nul("token") { c.retrieve_token("#{token}\0") }
    id = c.create_session.id
    refuses_nul("session_id") { c.retrieve_session("#{id}\0x") }
    refuses_nul("session_id") { c.update_session("#{id}\0x", { order: { currency: "USD" } }) }
    refuses_nul("body") { c.update_session(id, "{\"order\":{\"currency\":\"USD\"}}\0{") }
    refuses_nul("body") { c.create_session("{}\0") }
    refuses_nul("body") { c.create_token("{\"sourceOfFunds\":{\"type\":\"CARD\"}}\0") }
    refuses_nul("body") { Mpgs.validate(:create_session, "{}\0") }
    refuses_nul("body") { Mpgs.validate(:create_session, "{}\0", api_version: 58) }
    # In a Hash body, JSON writes the NUL as \u0000: the gateway's rules judge it.
    assert_raises(Mpgs::ValidationError) { Mpgs.validate(:create_token, { sourceOfFunds: { type: "CARD\0" } }) }
    r = Mpgs::Request.new(:create_token)
    refuses_nul("name") { r.set("sourceOfFunds.type\0x", "CARD") }
    refuses_nul("sourceOfFunds.provided.card.number") { r.set("sourceOfFunds.provided.card.number", "5123450000000008\0") }
    refuses_nul("name") { r.unset("correlationId\0") }
    s = c.retrieve_session(id)
    refuses_nul("name") { s.get("session.id\0x") }
    refuses_nul("expected_version") { s.ready_for_token("v\0") }
    { merchant_id: "TESTMERCHANT\0x", password: "sandbox-password\0x", base_url: "#{env('MPGS_BASE_URL')}\0x",
      ca_file: "#{env('MPGS_CA_FILE')}\0x", proxy: "http://127.0.0.1:1\0x", region: "mtf\0x" }.each do |key, value|
      more = key == :region ? { base_url: nil } : {}
      refuses_nul(key.to_s) { Mpgs::Client.new(**options(key => value, **more)) }
    end
    refuses_nul("ca_file") { Mpgs::Client.new(**options(ca_files: ["#{env('MPGS_CA_FILE')}\0"])) }
    cert = { merchant_id: "CERTMERCHANT", cert_file: env("MPGS_CLIENT_CERT"), key_file: env("MPGS_CLIENT_KEY"), base_url: env("MPGS_BASE_URL") }
    refuses_nul("cert_file") { Mpgs::Client.new(**cert, cert_file: "#{env('MPGS_CLIENT_CERT')}\0x") }
    refuses_nul("key_file") { Mpgs::Client.new(**cert, key_file: "#{env('MPGS_CLIENT_KEY')}\0x") }
    c.delete_token(token)
  end
end
