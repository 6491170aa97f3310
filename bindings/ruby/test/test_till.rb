# frozen_string_literal: true

# The till flow against the sandbox (MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD,
# MPGS_CERT_MERCHANT_ID, MPGS_CLIENT_CERT, MPGS_CLIENT_KEY; MPGS_FAULT_URL/_CA: a sandbox that
# closes every connection unanswered; MPGS_SLOW_URL/_CA: one that answers after 200 ms). Run by
# tests/dist/php-ruby.sh against the installed gem, and by `make test-php-ruby` here:
#   ruby -Ilib test/test_till.rb
require "minitest/autorun"
require "json"
require "net/http"
require "openssl"
require "socket"
require "mpgs"

class TillTest < Minitest::Test
  CARD_TOKEN = {
    sourceOfFunds: { type: "CARD", provided: { card: { number: "5123450000000008", expiry: { month: "5", year: "30" }, securityCode: "123" } } },
    verificationStrategy: "BASIC",
  }.freeze
  SECRETS = %w[sandbox-password Wr0ng-Pa55-c41d 5123450000000008 5123450000000009 7319 84736251 pr0xy-secret].freeze

  def env(name)
    ENV.fetch(name) { flunk "#{name} is not set: run tests/dist/php-ruby.sh or make test-php-ruby" }
  end

  def options(**more)
    { merchant_id: env("MPGS_MERCHANT_ID"), password: env("MPGS_PASSWORD"), base_url: env("MPGS_BASE_URL"),
      ca_file: env("MPGS_CA_FILE"), timeout: 5, max_retries: 0 }.merge(more)
  end

  # Runs the block, which must raise +klass+; no way of printing the error shows a secret.
  def refused(klass, &block)
    e = assert_raises(klass, &block)
    texts = [e.message, e.to_s, e.inspect, e.full_message(highlight: false), (e.backtrace || []).join("\n"),
             e.instance_variables.map { |v| e.instance_variable_get(v).inspect }.join("\n")]
    texts.each { |t| SECRETS.each { |s| refute_includes t, s, "error text holds #{s}" } }
    e
  end

  def test_the_library_is_the_gems
    assert_equal Mpgs::VERSION, Mpgs.version
    assert_equal ENV["MPGS_EXPECT_VERSION"], Mpgs.version if ENV["MPGS_EXPECT_VERSION"]
    if ENV["GEM_HOME"] && ENV["MPGS_EXPECT_VERSION"]
      # The gem as installed, with its own libmpgs: not the repository's.
      assert Mpgs::Native::LIBRARY.start_with?(File.join(ENV["GEM_HOME"], "gems")), Mpgs::Native::LIBRARY
      assert_includes File.read("/proc/self/maps"), Mpgs::Native::LIBRARY
    end
    assert_equal "MPGS_STATUS_VALIDATION", Mpgs.status_name(3)
  end

  def test_till_flow_session_token_field_errors_and_the_gateways_refusal
    c = Mpgs::Client.new(**options)
    s = c.create_session({ session: { authenticationLimit: 5 }, correlationId: "till-1" })
    refute_nil s.id
    refute_nil s.aes256_key
    assert_equal "SUCCESS", s.result
    assert_equal 201, s.http_status
    assert_equal "till-1", s.correlation_id
    assert_equal 5, s.authentication_limit
    assert_equal 58, s.api_version
    assert_equal 1, s.attempts
    refute_includes s.inspect, s.aes256_key

    t = c.create_token(CARD_TOKEN)
    refute_nil t.token
    assert_equal "VALID", t.status
    assert_equal "512345xxxxxx0008", t.card_number
    assert_equal "MASTERCARD", t.card_brand
    assert_equal "0530", t.card_expiry
    refute_includes t.json, "5123450000000008"
    assert_equal "512345xxxxxx0008", t["sourceOfFunds.provided.card.number"]
    assert_nil t.get("no.such.field")
    refute_empty t.json_verbatim

    e = refused(Mpgs::ValidationError) do
      c.create_token({ sourceOfFunds: { type: "CARD", provided: { card: { number: "5123450000000008-", securityCode: "7319x", expiry: { month: "13", year: "30" } } } } })
    end
    assert_kind_of Mpgs::NotSentError, e
    assert_equal :not_sent, e.stage
    assert_equal 3, e.status
    assert_equal "MPGS_STATUS_VALIDATION", e.status_name
    assert_equal 0, e.attempts
    refute e.outcome_unknown?
    assert_equal e.field_errors[0].field, e.field
    fields = e.field_errors.map(&:field)
    %w[sourceOfFunds.provided.card.number sourceOfFunds.provided.card.securityCode sourceOfFunds.provided.card.expiry.month].each do |f|
      assert_includes fields, f
    end
    e.field_errors.each { |fe| refute_nil fe.validation_type; refute_nil fe.explanation }

    g = refused(Mpgs::GatewayError) { c.create_token(JSON.generate(CARD_TOKEN).sub("5123450000000008", "5123450000000009")) }
    assert_kind_of Mpgs::AnsweredError, g
    assert_equal 400, g.http_status
    assert_equal "INVALID_REQUEST", g.gateway_cause
    assert_equal "sourceOfFunds.provided.card.number", g.field
    assert_equal :answered, g.stage
    refute g.outcome_unknown?
    assert_equal 1, g.attempts
    refute_nil g.gateway_json
  end

  def test_a_wrong_password_is_an_authentication_error
    c = Mpgs::Client.new(**options(password: "Wr0ng-Pa55-c41d"))
    e = refused(Mpgs::AuthenticationError) { c.create_token(CARD_TOKEN) }
    assert_equal 401, e.http_status
    assert_equal :answered, e.stage
  end

  def test_certificate_authentication
    c = Mpgs::Client.new(merchant_id: env("MPGS_CERT_MERCHANT_ID"), cert_file: env("MPGS_CLIENT_CERT"),
                         key_file: env("MPGS_CLIENT_KEY"), base_url: env("MPGS_BASE_URL"), ca_files: [env("MPGS_CA_FILE")])
    assert_equal "512345xxxxxx0008", c.create_token(CARD_TOKEN).card_number
    refused(Mpgs::ConfigError) { Mpgs::Client.new(merchant_id: "M", cert_file: env("MPGS_CLIENT_CERT"), base_url: env("MPGS_BASE_URL")) }
  end

  def test_a_connection_closed_unanswered_leaves_the_outcome_unknown
    c = Mpgs::Client.new(**options(base_url: env("MPGS_FAULT_URL"), ca_file: env("MPGS_FAULT_CA")))
    e = refused(Mpgs::IOError) { c.create_token(CARD_TOKEN) }
    assert_kind_of Mpgs::UnansweredError, e
    assert e.outcome_unknown?
    assert_equal :unanswered, e.stage
    assert_equal 0, e.http_status
    assert_equal 1, e.attempts
  end

  def test_the_hosted_session_flow_and_the_workflow_calls
    c = Mpgs::Client.new(**options)
    id = c.create_session.id
    page = c.update_session(id, { sourceOfFunds: { provided: { card: { number: "5123450000000008", expiry: { month: "5", year: "30" } } } } })
    assert_equal "SUCCESS", page.update_status
    s = c.retrieve_session(id)
    assert_equal :ready, c.ready_for_token(s, page.version)
    assert s.ready_for_token?(page.version)
    assert_equal :version_differs, s.ready_for_token("0000000000")
    assert_equal "MPGS_READINESS_VERSION_DIFFERS", Mpgs.readiness_name(:version_differs)
    assert_equal :not_updated, c.create_session.ready_for_token
    assert_includes s.json, "512345xxxxxx0008"
    refute_includes s.json, "5123450000000008"

    token = c.create_token({ session: { id: id }, sourceOfFunds: { type: "CARD" } }).token
    again = c.retrieve_token(token)
    assert_equal token, again.token
    assert_equal "512345xxxxxx0008", again.card_number
    assert_equal 38, again.api_version
    d = c.delete_token(token)
    assert_equal "SUCCESS", d.result
    assert_equal 1, d.attempts
    refute_empty d.json
    assert_equal 400, refused(Mpgs::GatewayError) { c.retrieve_token(token) }.http_status
    bad = refused(Mpgs::ValidationError) { c.retrieve_session("SESSION0002695081404E6099215K60/../x") }
    assert_equal "sessionId", bad.field
    assert_equal :not_sent, bad.stage
    assert_equal "tokenid", refused(Mpgs::ValidationError) { c.delete_token("91/23") }.field

    info = c.check_gateway
    assert_equal "OPERATING", info.status
    assert info.operating?
    refute_nil info.gateway_version
    assert_equal 200, info.http_status
    refute_empty info.json
  end

  def test_requests_built_field_by_field_and_validation_without_sending
    c = Mpgs::Client.new(**options)
    r = Mpgs::Request.new(:create_token)
                     .set("sourceOfFunds.type", "CARD").set("sourceOfFunds.provided.card.number", "5123450000000008")
                     .set("sourceOfFunds.provided.card.expiry.month", 5).set("sourceOfFunds.provided.card.expiry.year", "30")
                     .set("correlationId", "x").unset("correlationId")
    r.validate
    assert_equal "512345xxxxxx0008", c.create_token(r).card_number
    refute_includes r.inspect, "5123450000000008"
    s = c.create_session(Mpgs::Request.new(:create_session).set("session.authenticationLimit", 7))
    assert_equal 7, s.authentication_limit
    assert_equal "SUCCESS", c.update_session(s.id, Mpgs::Request.new(:update_session).set("order.currency", "USD")).update_status
    refused(Mpgs::ValidationError) { Mpgs::Request.new(:create_token).set("sourceOfFunds.provided.card.number", "12").validate }

    Mpgs.validate(:update_session, { "order.currency" => "USD" })
    named = { sourceOfFunds: { type: "CARD", provided: { card: { number: "5123450000000008", expiry: { month: "5", year: "30" }, nameOnCard: "A Customer" } } } }
    Mpgs.validate(:create_token, named, api_version: 70)
    e = refused(Mpgs::ValidationError) { Mpgs.validate(:create_token, named, api_version: 70, level: :strict) }
    assert_equal "UNSUPPORTED", e.validation_type
    refused(Mpgs::InvalidArgumentError) { Mpgs.validate(:create_token, {}, level: :lenient) }
  end

  def test_every_setting
    c = Mpgs::Client.new(**options(token_api_version: 70, session_api_version: 61, connect_timeout: 2, validation_level: "known-fields",
                                   trust: :ca_files_only, proxy_from_env: true, token_repository_unique_card: true, max_retries: 1))
    assert_equal 70, c.create_token(CARD_TOKEN).api_version
    assert_equal 61, c.create_session.api_version
    e = refused(Mpgs::ConfigError) { Mpgs::Client.new(**options(ca_file: nil, trust: :ca_files_only)) }
    assert_includes e.message, "ca-files-only"
    moz = Mpgs::Client.new(**options(ca_file: nil, trust: :mozilla))
    refute refused(Mpgs::TLSError) { moz.create_session }.outcome_unknown?
    refused(Mpgs::InvalidArgumentError) { Mpgs::Client.new(**options(trust: :none)) }
    assert_raises(ArgumentError) { Mpgs::Client.new(**options(timeout_ms: 5)) }
    refused(Mpgs::ConfigError) { Mpgs::Client.new(**options(base_url: nil, region: :mars)) }
    Mpgs::Client.new(**options(base_url: nil, region: :mtf))
    p = refused(Mpgs::ConfigError) { Mpgs::Client.new(**options(proxy: "socks5://user:pr0xy-secret@127.0.0.1:1")) }
    assert_equal :not_sent, p.stage
    refusing = Mpgs::Client.new(**options(proxy: "http://user:pr0xy-secret@127.0.0.1:1", base_url: "https://localhost:1"))
    refused(Mpgs::UnansweredError) { refusing.create_session }
  end

  # The sandbox's GET /_sandbox/stats (loopback only): connections accepted, TLS handshakes.
  def sandbox_stats
    uri = URI("#{env('MPGS_BASE_URL').chomp('/')}/_sandbox/stats")
    http = Net::HTTP.new(uri.host, uri.port)
    http.use_ssl = true
    http.ca_file = env("MPGS_CA_FILE")
    http.verify_mode = OpenSSL::SSL::VERIFY_PEER
    http.open_timeout = http.read_timeout = 5
    response = http.start { |h| h.get(uri.path, "Connection" => "close") }
    assert_equal "200", response.code, response.body
    JSON.parse(response.body)
  end

  def test_connect_warms_the_connection_the_next_call_uses
    c = Mpgs::Client.new(**options)
    assert_nil c.connect
    c.connect # an idle connection is fit already: nothing more
    before = sandbox_stats # counts its own connection
    assert_equal 1, c.create_session.attempts
    after = sandbox_stats
    # Only the second stats request's connection is new: the call went on the warm one.
    assert_equal before["connections"] + 1, after["connections"], [before, after].inspect
    assert_equal before["full_handshakes"] + 1, after["full_handshakes"], [before, after].inspect
    # Attached blocking: true, as every network call (the GVL released while it waits).
    generated = $LOADED_FEATURES.find { |f| f.end_with?("mpgs/native_functions.rb") }
    assert_match(/attach_function :mpgs_client_connect, .*blocking: true$/, File.read(generated))
    c.close
    refused(Mpgs::InvalidArgumentError) { c.connect }
  end

  def test_connect_to_a_closed_port_is_a_connect_error_nothing_sent
    probe = TCPServer.new("127.0.0.1", 0)
    port = probe.addr[1]
    probe.close
    c = Mpgs::Client.new(**options(base_url: "https://127.0.0.1:#{port}"))
    e = refused(Mpgs::ConnectError) { c.connect }
    assert_kind_of Mpgs::UnansweredError, e
    refute e.outcome_unknown?
    assert_equal "MPGS_STATUS_CONNECT", e.status_name
  end

  def test_a_closed_client_fails_cleanly
    c = Mpgs::Client.new(**options)
    c.close
    c.close
    assert c.closed?
    refused(Mpgs::InvalidArgumentError) { c.create_session }
  end

  def test_threads_share_one_client_and_calls_release_the_gvl
    c = Mpgs::Client.new(**options)
    ids = Queue.new
    16.times.map { |i| Thread.new { 10.times { |j| ids << c.create_session({ correlationId: "t#{i}-#{j}" }).id } } }.each(&:join)
    assert_equal 160, Array.new(ids.size) { ids.pop }.uniq.size
    # Eight calls of 200 ms each from eight threads: about 0.2 s when each call lets go of the
    # GVL while it waits, 1.6 s when they queue behind it.
    slow = Mpgs::Client.new(**options(base_url: env("MPGS_SLOW_URL"), ca_file: env("MPGS_SLOW_CA")))
    slow.create_session
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    8.times.map { Thread.new { slow.create_session } }.each(&:join)
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    assert_operator elapsed, :<, 1.2, "8 threads took #{elapsed.round(2)} s: the calls hold the GVL"
  end

  def rss_kib
    GC.start
    File.read("/proc/self/statm").split[1].to_i * 4
  end

  def test_no_growth_over_10000_calls
    c = Mpgs::Client.new(**options)
    bad = { sourceOfFunds: { type: "CARD", provided: { card: { number: "12" } } } }
    run = lambda do |n|
      n.times do
        c.create_session({ correlationId: "rss" }).json
        assert_raises(Mpgs::ValidationError) { Mpgs.validate(:create_token, bad) }
      end
    end
    run.call(1000)
    before = rss_kib
    run.call(10_000)
    after = rss_kib
    warn "ruby: RSS after 1,000 calls #{before} KiB, after 10,000 more #{after} KiB (growth #{after - before} KiB)"
    assert_operator after - before, :<, 4096, "RSS grew by #{after - before} KiB over 10,000 calls"
  end
end
