# frozen_string_literal: true

# make bench: Create Session calls per second from one Ruby thread over one keep-alive HTTPS
# connection, through this gem (libmpgs) and through Net::HTTP doing the same call (one started
# connection: same sandbox, CA, body and Basic auth, the answer read whole and its 201 checked).
#   ruby -Ilib bench.rb mpgs N       -> calls/s
#   ruby -Ilib bench.rb nethttp N    -> calls/s
# Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
require "net/http"
require "openssl"

BODY = '{"correlationId":"bench","session":{"authenticationLimit":5}}'
kind, n = ARGV[0], Integer(ARGV[1] || 0)

def rate(n)
  10.times { yield }
  start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  n.times { yield }
  n / (Process.clock_gettime(Process::CLOCK_MONOTONIC) - start)
end

case kind
when "mpgs"
  require "mpgs"
  c = Mpgs::Client.new(merchant_id: ENV["MPGS_MERCHANT_ID"], password: ENV["MPGS_PASSWORD"],
                       base_url: ENV["MPGS_BASE_URL"], ca_file: ENV["MPGS_CA_FILE"])
  puts format("%.1f", rate(n) { c.create_session(BODY) })
when "nethttp"
  uri = URI("#{ENV['MPGS_BASE_URL']}/api/rest/version/58/merchant/#{ENV['MPGS_MERCHANT_ID']}/session")
  http = Net::HTTP.new(uri.host, uri.port)
  http.use_ssl = true
  http.ca_file = ENV["MPGS_CA_FILE"]
  http.start
  puts format("%.1f", rate(n) {
    req = Net::HTTP::Post.new(uri, "Content-Type" => "application/json;charset=UTF-8")
    req.basic_auth("merchant.#{ENV['MPGS_MERCHANT_ID']}", ENV["MPGS_PASSWORD"])
    req.body = BODY
    res = http.request(req)
    raise "HTTP #{res.code}" unless res.code == "201"
  })
else
  warn "usage: ruby -Ilib bench.rb mpgs|nethttp N"
  exit 2
end
