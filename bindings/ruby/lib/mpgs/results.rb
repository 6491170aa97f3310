# frozen_string_literal: true

module Mpgs
  # What the answers share: the C handle (released by the garbage collector, or at once by
  # #release), and an #inspect that shows the typed fields only.
  class Result
    # @api private
    def initialize(pointer, free)
      @handle = FFI::AutoPointer.new(pointer, Native.method(free))
    end

    # Releases the C handle now (its strings zeroed); #json and friends then raise. Idempotent.
    def release
      @handle.free unless @handle.null?
      @handle = FFI::Pointer::NULL
      nil
    end

    def inspect
      fields = instance_variables.reject { |v| v == :@handle }.map { |v| "#{v.to_s.delete('@')}=#{instance_variable_get(v).inspect}" }
      "#<#{self.class.name} #{fields.join(', ')}>"
    end
    alias to_s inspect

    private

    def handle
      raise InvalidArgumentError.build(Error::STATUS_INVALID_ARGUMENT, "mpgs: this result was released", field: "result") if @handle.null?

      @handle
    end

    # mpgs_*_get: an owned string, copied then released (zeroed); nil when absent.
    def get_field(function, name)
      out = FFI::MemoryPointer.new(:pointer)
      begin
        Native.call(function, handle, name, out)
      rescue NotFoundError
        return nil
      end
      value = out.read_pointer
      begin
        value.read_string.force_encoding(Encoding::UTF_8)
      ensure
        Native.mpgs_string_free(value)
      end
    end
  end

  # A session (Create, Update or Retrieve Session). #json has every secret masked;
  # #json_verbatim and #aes256_key return what the gateway sent (never log them).
  class Session < Result
    # session.id, session.version, session.updateStatus (NO_UPDATE, SUCCESS, FAILURE), merchant,
    # result (SUCCESS), correlationId.
    attr_reader :id, :version, :update_status, :merchant, :result, :correlation_id
    # session.authenticationLimit (nil when absent).
    attr_reader :authentication_limit
    # The HTTP status of the answer, the API version in its path, how many times it was sent.
    attr_reader :http_status, :api_version, :attempts

    # @api private
    def initialize(pointer)
      super(pointer, :mpgs_session_free)
      h = @handle
      @id = Native.mpgs_session_id(h)
      @version = Native.mpgs_session_version(h)
      @update_status = Native.mpgs_session_update_status(h)
      @merchant = Native.mpgs_session_merchant(h)
      @result = Native.mpgs_session_result(h)
      @correlation_id = Native.mpgs_session_correlation_id(h)
      limit = FFI::MemoryPointer.new(:uint32)
      @authentication_limit = Native.mpgs_session_authentication_limit(h, limit) ? limit.read_uint32 : nil
      @http_status = Native.mpgs_session_http_status(h)
      @api_version = Native.mpgs_session_api_version(h)
      @attempts = Native.mpgs_session_attempts(h)
    end

    # session.aes256Key: Base64 of the session's AES-256 key. A secret: never log it.
    def aes256_key
      Native.mpgs_session_aes256_key(handle)
    end

    # The whole answer as JSON text, card numbers masked 6.4, other secrets as ***.
    def json
      Native.mpgs_session_json(handle)
    end

    # The whole answer exactly as the gateway sent it. Never log it.
    def json_verbatim
      Native.mpgs_session_json_verbatim(handle)
    end

    # Any field by dotted name, masked as in #json, as text (objects as JSON); nil when absent.
    def get(name)
      get_field(:mpgs_session_get, name)
    end
    alias [] get

    # Whether this session can be tokenized: :ready, :not_updated, :no_card_details or
    # :version_differs (against +expected_version+, the version the payment page reported).
    def ready_for_token(expected_version = nil)
      READINESS.fetch(Native.mpgs_session_ready_for_token(handle, Native.text(expected_version, "expected_version")), :invalid_argument)
    end

    # True when #ready_for_token is :ready.
    def ready_for_token?(expected_version = nil)
      ready_for_token(expected_version) == :ready
    end
  end

  # A token (Create or Update Token, Retrieve Token); card numbers always masked.
  class Token < Result
    FIELDS = %i[token status repository_id gateway_code result verification_strategy source_of_funds_type
                correlation_id card_brand card_number card_expiry card_scheme card_funding_method card_issuer
                card_local_brand ach_account_type ach_bank_account_holder ach_routing_number ach_sec_code
                gift_card_brand gift_card_local_brand gift_card_number gift_card_scheme usage_last_updated
                usage_last_updated_by usage_last_used].freeze
    attr_reader(*FIELDS)
    attr_reader :http_status, :api_version, :attempts

    # @api private
    def initialize(pointer)
      super(pointer, :mpgs_token_free)
      h = @handle
      @token = Native.mpgs_token_token(h)
      @status = Native.mpgs_token_status(h)
      @repository_id = Native.mpgs_token_repository_id(h)
      @gateway_code = Native.mpgs_token_gateway_code(h)
      @result = Native.mpgs_token_result(h)
      @verification_strategy = Native.mpgs_token_verification_strategy(h)
      @source_of_funds_type = Native.mpgs_token_source_of_funds_type(h)
      @correlation_id = Native.mpgs_token_correlation_id(h)
      @card_brand = Native.mpgs_token_card_brand(h)
      @card_number = Native.mpgs_token_card_number(h)
      @card_expiry = Native.mpgs_token_card_expiry(h)
      @card_scheme = Native.mpgs_token_card_scheme(h)
      @card_funding_method = Native.mpgs_token_card_funding_method(h)
      @card_issuer = Native.mpgs_token_card_issuer(h)
      @card_local_brand = Native.mpgs_token_card_local_brand(h)
      @ach_account_type = Native.mpgs_token_ach_account_type(h)
      @ach_bank_account_holder = Native.mpgs_token_ach_bank_account_holder(h)
      @ach_routing_number = Native.mpgs_token_ach_routing_number(h)
      @ach_sec_code = Native.mpgs_token_ach_sec_code(h)
      @gift_card_brand = Native.mpgs_token_gift_card_brand(h)
      @gift_card_local_brand = Native.mpgs_token_gift_card_local_brand(h)
      @gift_card_number = Native.mpgs_token_gift_card_number(h)
      @gift_card_scheme = Native.mpgs_token_gift_card_scheme(h)
      @usage_last_updated = Native.mpgs_token_usage_last_updated(h)
      @usage_last_updated_by = Native.mpgs_token_usage_last_updated_by(h)
      @usage_last_used = Native.mpgs_token_usage_last_used(h)
      @http_status = Native.mpgs_token_http_status(h)
      @api_version = Native.mpgs_token_api_version(h)
      @attempts = Native.mpgs_token_attempts(h)
    end

    # The whole answer as JSON text, card numbers masked 6.4, other secrets as ***.
    def json
      Native.mpgs_token_json(handle)
    end

    # The whole answer exactly as the gateway sent it. Never log it.
    def json_verbatim
      Native.mpgs_token_json_verbatim(handle)
    end

    # Any field by dotted name, masked as in #json; nil when absent.
    def get(name)
      get_field(:mpgs_token_get, name)
    end
    alias [] get
  end

  # What Delete Token answered; the token is then unknown to the gateway.
  class DeleteResult < Result
    attr_reader :result, :correlation_id, :http_status, :api_version, :attempts

    # @api private
    def initialize(pointer)
      super(pointer, :mpgs_delete_result_free)
      h = @handle
      @result = Native.mpgs_delete_result_result(h)
      @correlation_id = Native.mpgs_delete_result_correlation_id(h)
      @http_status = Native.mpgs_delete_result_http_status(h)
      @api_version = Native.mpgs_delete_result_api_version(h)
      @attempts = Native.mpgs_delete_result_attempts(h)
    end

    # The whole answer as JSON text, secrets masked.
    def json
      Native.mpgs_delete_result_json(handle)
    end
  end

  # What Check Gateway answered (sent without credentials: it proves nothing about them).
  class GatewayInfo < Result
    attr_reader :gateway_version, :status, :http_status, :api_version, :attempts

    # @api private
    def initialize(pointer)
      super(pointer, :mpgs_gateway_info_free)
      h = @handle
      @gateway_version = Native.mpgs_gateway_info_gateway_version(h)
      @status = Native.mpgs_gateway_info_status(h)
      @operating = Native.mpgs_gateway_info_is_operating(h)
      @http_status = Native.mpgs_gateway_info_http_status(h)
      @api_version = Native.mpgs_gateway_info_api_version(h)
      @attempts = Native.mpgs_gateway_info_attempts(h)
    end

    # True when status is OPERATING.
    def operating?
      @operating
    end

    # The whole answer as JSON text.
    def json
      Native.mpgs_gateway_info_json(handle)
    end
  end
end
