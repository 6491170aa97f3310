# frozen_string_literal: true

module Mpgs
  # One field problem: a dotted path, INVALID / MISSING / UNSUPPORTED, and why.
  FieldError = Struct.new(:field, :validation_type, :explanation, keyword_init: true)

  # A failed call, with every field of the C library's mpgs_error. Never holds a secret.
  #
  # The class says where the call failed (#stage): NotSentError (nothing left the machine:
  # ConfigError, ValidationError, InvalidArgumentError, NotFoundError), AnsweredError (the gateway
  # answered: GatewayError, AuthenticationError, DecodeError), UnansweredError (no answer:
  # ConnectError, TLSError, TimeoutError, IOError), and InternalError (a bug in libmpgs).
  #
  # #outcome_unknown? is true when the gateway may have processed the request: look the result
  # up before sending anything that must not happen twice.
  class Error < StandardError
    STATUS_INVALID_ARGUMENT = 1
    STATUS_CONFIG = 2

    # The C status (Integer, stable) and its name ("MPGS_STATUS_GATEWAY").
    attr_reader :status, :status_name
    # :not_sent, :answered, :unanswered or :unknown.
    attr_reader :stage
    # The HTTP status of the answer, 0 when there was none.
    attr_reader :http_status
    # How many attempts were made, retries included (0: none was).
    attr_reader :attempts
    # The gateway's error.cause (INVALID_REQUEST, SERVER_BUSY, ...). (Exception#cause is Ruby's.)
    attr_reader :gateway_cause
    attr_reader :field, :validation_type, :explanation, :support_code
    # The gateway's whole error answer as JSON (gateway errors only; masked).
    attr_reader :gateway_json
    # Every problem found before sending (Array of Mpgs::FieldError).
    attr_reader :field_errors

    def initialize(message = nil, status: 12, stage: :unknown, http_status: 0, outcome_unknown: false, attempts: 0,
                   gateway_cause: nil, field: nil, validation_type: nil, explanation: nil, support_code: nil,
                   gateway_json: nil, field_errors: [])
      super(message)
      @status = status
      @status_name = Native.mpgs_status_name(status)
      @stage = stage
      @http_status = http_status
      @outcome_unknown = outcome_unknown
      @attempts = attempts
      @gateway_cause = gateway_cause
      @field = field
      @validation_type = validation_type
      @explanation = explanation
      @support_code = support_code
      @gateway_json = gateway_json
      @field_errors = field_errors.freeze
    end

    # True when the gateway may have processed the request and no answer was read.
    def outcome_unknown?
      @outcome_unknown
    end
    alias outcome_unknown outcome_unknown?

    CLASSES = {} # status => class, filled in below
    private_constant :CLASSES

    # The error of +status+'s class.
    # @api private
    def self.build(status, message, **fields)
      CLASSES.fetch(status, InternalError).new(message, status: status, **{ stage: :not_sent }.merge(fields))
    end

    # Copies the C error +err+ (a pointer, possibly NULL) into the Mpgs::Error of its status,
    # and frees it.
    # @api private
    def self.from_c(status, err)
      return CLASSES.fetch(status, InternalError).new(Native.mpgs_status_name(status), status: status) if err.null?

      begin
        fe = Native::FieldErrorStruct.new
        field_errors = Array.new(Native.mpgs_error_field_error_count(err)) do |i|
          next nil unless Native.mpgs_error_field_error(err, i, fe.pointer).zero?

          FieldError.new(field: Native.str(fe[:field]), validation_type: Native.str(fe[:validation_type]),
                         explanation: Native.str(fe[:explanation]))
        end.compact
        status = Native.mpgs_error_status(err)
        CLASSES.fetch(status, InternalError).new(
          Native.mpgs_error_message(err), status: status,
          stage: STAGES.fetch(Native.mpgs_error_stage(err), :unknown),
          http_status: Native.mpgs_error_http_status(err), outcome_unknown: Native.mpgs_error_outcome_unknown(err),
          attempts: Native.mpgs_error_attempts(err), gateway_cause: Native.mpgs_error_cause(err),
          field: Native.mpgs_error_field(err), validation_type: Native.mpgs_error_validation_type(err),
          explanation: Native.mpgs_error_explanation(err), support_code: Native.mpgs_error_support_code(err),
          gateway_json: Native.mpgs_error_gateway_json(err), field_errors: field_errors
        )
      ensure
        Native.mpgs_error_free(err)
      end
    end

    # @api private
    def self.register(status, klass)
      CLASSES[status] = klass
    end
  end

  # Nothing left the machine (a bad argument, setting or request): safe to fix and send again.
  class NotSentError < Error; end
  # The gateway answered (its error, a refusal of the credentials, an answer that could not be read).
  class AnsweredError < Error; end
  # No answer came (connect, TLS, timeout, I/O): see #outcome_unknown? before sending again.
  class UnansweredError < Error; end
  # A bug in libmpgs (caught at its boundary); outcome_unknown? is true. Please report it.
  class InternalError < Error; end
  # A bad setting (no credentials, an unknown region, a file that cannot be read).
  class ConfigError < NotSentError; end
  # The request breaks the gateway's field rules; every problem is in #field_errors.
  class ValidationError < NotSentError; end
  # A bad argument (a closed client, an unknown option value); the message names it.
  class InvalidArgumentError < NotSentError; end
  # The field asked for is not in the answer.
  class NotFoundError < NotSentError; end
  # The gateway answered with an error: #gateway_cause, #field, #explanation, #support_code.
  class GatewayError < AnsweredError; end
  # HTTP 401: the gateway refused the credentials or certificate.
  class AuthenticationError < GatewayError; end
  # The answer was not the gateway's JSON, was too large, or was a redirect.
  class DecodeError < AnsweredError; end
  # Could not connect (refused, unreachable, the proxy refused the tunnel); not processed.
  class ConnectError < UnansweredError; end
  # The TLS handshake failed (untrusted certificate, wrong host name, client certificate refused).
  class TLSError < UnansweredError; end
  # The call ran past its timeout; see #outcome_unknown?.
  class TimeoutError < UnansweredError; end
  # The connection failed while the request or answer was under way; see #outcome_unknown?.
  class IOError < UnansweredError; end

  { 1 => InvalidArgumentError, 2 => ConfigError, 3 => ValidationError, 4 => GatewayError, 5 => AuthenticationError,
    6 => DecodeError, 7 => ConnectError, 8 => TLSError, 9 => TimeoutError, 10 => IOError, 11 => NotFoundError,
    12 => InternalError }.each { |status, klass| Error.register(status, klass) }
end
