# frozen_string_literal: true

module Mpgs
  # One call, after it ended: what the on_call hook receives (C mpgs_call_event, copied). Frozen.
  # It holds no body, no header and no secret.
  #
  # A call refused before sending (validation) is still a call: 0 attempts, stage :not_sent. A
  # call the gem refuses before it reaches libmpgs (a closed client, a NUL in a string) has none.
  class CallEvent
    # The Client method of each mpgs_operation.
    OPERATIONS = { 1 => :create_session, 2 => :create_token, 3 => :update_session, 4 => :retrieve_session,
                   5 => :retrieve_token, 6 => :delete_token, 7 => :check_gateway }.freeze
    # The error kind of each mpgs_status but MPGS_STATUS_OK (the Mpgs::Error subclass, in snake case).
    ERROR_KINDS = { 1 => :invalid_argument, 2 => :config, 3 => :validation, 4 => :gateway, 5 => :authentication,
                    6 => :decode, 7 => :connect, 8 => :tls, 9 => :timeout, 10 => :io, 11 => :not_found,
                    12 => :internal }.freeze

    # The Client method (:create_session, :create_token, :retrieve_session, :update_session,
    # :retrieve_token, :delete_token, :check_gateway), and the operation's name in the gateway's
    # documentation ("Create Session").
    attr_reader :operation, :operation_name
    # "POST", "GET", "PUT" or "DELETE" (C's +method+: Object#method is Ruby's).
    attr_reader :http_method
    # The request path after the base URL's own path, merchant included; session and token ids as
    # sent, except a token id that could be a card number (masked 6.4); an id refused before
    # sending shows as {sessionId} / {tokenid}.
    attr_reader :path
    attr_reader :api_version
    # The HTTP status of the answer read; nil when none was read.
    attr_reader :http_status
    # How many times the request was sent, retries included (0: refused before sending).
    attr_reader :attempts
    # Seconds (Float) from the call's start to its end.
    attr_reader :elapsed
    # The C status (0 for a success, else the Mpgs::Error#status the call raises) and its name.
    attr_reader :status, :status_name
    # nil for a success, else :validation, :gateway, :authentication, :io… (see ERROR_KINDS).
    attr_reader :error_kind
    # nil for a success, else where the call failed: :not_sent, :answered, :unanswered, :unknown.
    attr_reader :stage

    def initialize(operation:, operation_name:, http_method:, path:, api_version:, http_status:, attempts:,
                   elapsed:, outcome_unknown:, status:, stage:)
      @operation = operation
      @operation_name = operation_name.frozen? ? operation_name : operation_name.dup.freeze
      @http_method = http_method.frozen? ? http_method : http_method.dup.freeze
      @path = path.frozen? ? path : path.dup.freeze
      @api_version = api_version
      @http_status = http_status
      @attempts = attempts
      @elapsed = elapsed
      @outcome_unknown = outcome_unknown
      @status = status
      @status_name = Native.mpgs_status_name(status).freeze
      @error_kind = status.zero? ? nil : ERROR_KINDS.fetch(status, :internal)
      @stage = status.zero? ? nil : stage
      freeze
    end

    # True when the gateway may have processed the request and its answer was not read.
    def outcome_unknown?
      @outcome_unknown
    end
    alias outcome_unknown outcome_unknown?

    # True when the call succeeded.
    def ok?
      @status.zero?
    end

    # The fields as a Hash (for logs and metrics).
    def to_h
      { operation: @operation, operation_name: @operation_name, http_method: @http_method, path: @path,
        api_version: @api_version, http_status: @http_status, attempts: @attempts, elapsed: @elapsed,
        outcome_unknown: @outcome_unknown, status: @status, status_name: @status_name, error_kind: @error_kind,
        stage: @stage }
    end

    def inspect
      "#<Mpgs::CallEvent #{to_h.map { |k, v| "#{k}=#{v.inspect}" }.join(', ')}>"
    end
    alias to_s inspect

    def ==(other)
      other.is_a?(CallEvent) && other.to_h == to_h
    end
    alias eql? ==

    def hash
      to_h.hash
    end

    # Copies a borrowed mpgs_call_event (a Native::CallEventStruct over the callback's pointer).
    # @api private
    def self.from_c(e)
      http = e[:http_status]
      new(operation: OPERATIONS.fetch(e[:operation], :unknown), operation_name: Native.str(e[:operation_name]).to_s,
          http_method: Native.str(e[:method]).to_s, path: Native.str(e[:path]).to_s, api_version: e[:api_version],
          http_status: http.zero? ? nil : http, attempts: e[:attempts], elapsed: e[:elapsed_us] / 1_000_000.0,
          outcome_unknown: e[:outcome_unknown], status: e[:status], stage: STAGES.fetch(e[:stage], :unknown))
    end
  end
end
