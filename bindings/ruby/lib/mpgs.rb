# frozen_string_literal: true

# mpgs: a client for the Mastercard Payment Gateway REST API (Create Session, Create or Update
# Token and the calls around them), libmpgs inside, through the ffi gem.
#
#   client = Mpgs::Client.new(merchant_id: "TESTMERCHANT", password: ENV["MPGS_PASSWORD"], region: :mtf)
#   token = client.create_token({ sourceOfFunds: { type: "CARD", provided: { card: { ... } } } })
require "json"
require_relative "mpgs/version"
require_relative "mpgs/native"
require_relative "mpgs/errors"
require_relative "mpgs/results"
require_relative "mpgs/call_event"
require_relative "mpgs/request"
require_relative "mpgs/client"

module Mpgs
  OPERATIONS = { create_session: 1, create_token: 2, update_session: 3 }.freeze
  VALIDATION_LEVELS = { auto: 0, strict: 1, known_fields: 2, off: 3 }.freeze
  TRUST = { mozilla: 0, system: 1, ca_files_only: 2 }.freeze
  STAGES = { 0 => :unknown, 1 => :not_sent, 2 => :answered, 3 => :unanswered }.freeze
  READINESS = { 0 => :ready, 1 => :not_updated, 2 => :no_card_details, 3 => :version_differs, 4 => :invalid_argument }.freeze

  module_function

  # libmpgs's version (mpgs_version()), equal to Mpgs::VERSION.
  def version
    Native.mpgs_version
  end

  # A C status's name ("MPGS_STATUS_VALIDATION"), for logs.
  def status_name(status)
    Native.mpgs_status_name(status)
  end

  # A readiness value's C name ("MPGS_READINESS_NO_CARD_DETAILS"), for logs.
  def readiness_name(readiness)
    Native.mpgs_readiness_name(READINESS.key(readiness) || readiness)
  end

  # Checks a body against every rule of +operation+ (:create_session, :create_token,
  # :update_session) without sending it, as a client at +api_version+ (nil: the documented one)
  # and +level+ would: raises Mpgs::ValidationError with every problem in #field_errors.
  def validate(operation, body, api_version: nil, level: nil)
    op = Native.choice(OPERATIONS, operation, "operation")
    json = Native.body(body)
    if api_version.nil? && level.nil?
      Native.call(:mpgs_validate, op, json)
    else
      Native.call(:mpgs_validate_at, op, Integer(api_version || 0), Native.choice(VALIDATION_LEVELS, level || :auto, "level"), json)
    end
    nil
  end
end
