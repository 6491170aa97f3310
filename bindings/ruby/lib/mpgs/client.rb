# frozen_string_literal: true

module Mpgs
  # A client of the Mastercard Payment Gateway. Make one and share it: it is safe to use from
  # many threads at once, holds the keep-alive connections, and releases the GVL while a call
  # waits on the network (the calls are attached `blocking: true`), so other threads run.
  # A failure raises an Mpgs::Error.
  class Client
    # Settings (nil / unset keeps the default):
    # merchant_id:: required.
    # password:, or cert_file: + key_file:: the credentials.
    # base_url: or region:: the gateway (region :na, :eu, :ap, :in, :cn, :ksa or :mtf).
    # ca_file: / ca_files:: PEM files trusted as well as +trust+'s roots.
    # trust:: :mozilla (default, bundled roots), :system or :ca_files_only.
    # connect_timeout:, timeout:: seconds (10, and 45 for the whole call with its retries).
    # max_retries:: 2; only what provably never left, and the gateway's SERVER_BUSY, is sent again.
    # proxy:: "http://user:password@host:port"; proxy_from_env:: false (the environment is not
    # read unless asked).
    # session_api_version:, token_api_version:: 58 and 38.
    # validation_level:: :auto (default), :strict, :known_fields or :off.
    # token_repository_unique_card:: false.
    # on_call:, or a block:: a hook given a frozen Mpgs::CallEvent after each call (see #observed).
    #
    # A String holding U+0000 (NUL), in a setting, an id or JSON text, raises
    # Mpgs::InvalidArgumentError naming it: never cut short at the NUL.
    def initialize(merchant_id:, password: nil, cert_file: nil, key_file: nil, base_url: nil, region: nil,
                   ca_file: nil, ca_files: [], trust: nil, connect_timeout: nil, timeout: nil, max_retries: nil,
                   proxy: nil, proxy_from_env: nil, session_api_version: nil, token_api_version: nil,
                   validation_level: nil, token_repository_unique_card: nil, on_call: nil, &block)
      if on_call && block
        raise ConfigError.build(Error::STATUS_CONFIG, "mpgs: give on_call: or a block, not both", field: "on_call")
      end
      @on_call = on_call || block
      unless @on_call.nil? || @on_call.respond_to?(:call)
        raise ConfigError.build(Error::STATUS_CONFIG, "mpgs: on_call must respond to call (given a Mpgs::CallEvent)",
                                field: "on_call")
      end
      config = FFI::AutoPointer.new(Native.make(:mpgs_config_new, merchant_id.to_s), Native.method(:mpgs_config_free))
      begin
        Native.call(:mpgs_config_set_password, config, password) unless password.nil?
        unless cert_file.nil? && key_file.nil?
          if cert_file.nil? || key_file.nil?
            raise ConfigError.build(Error::STATUS_CONFIG, "mpgs: cert_file and key_file go together",
                                    field: cert_file.nil? ? "cert_file" : "key_file")
          end
          Native.call(:mpgs_config_set_certificate_files, config, cert_file.to_s, key_file.to_s)
        end
        Native.call(:mpgs_config_set_base_url, config, base_url) unless base_url.nil?
        Native.call(:mpgs_config_set_region, config, region.to_s) unless region.nil?
        ([ca_file].compact + Array(ca_files)).each { |f| Native.call(:mpgs_config_add_ca_file, config, f.to_s) }
        Native.call(:mpgs_config_set_trust, config, Native.choice(TRUST, trust, "trust")) unless trust.nil?
        Native.call(:mpgs_config_set_connect_timeout_ms, config, Client.ms(connect_timeout, "connect_timeout")) unless connect_timeout.nil?
        Native.call(:mpgs_config_set_timeout_ms, config, Client.ms(timeout, "timeout")) unless timeout.nil?
        Native.call(:mpgs_config_set_max_retries, config, Integer(max_retries)) unless max_retries.nil?
        Native.call(:mpgs_config_set_proxy, config, proxy) unless proxy.nil?
        Native.call(:mpgs_config_set_proxy_from_env, config, proxy_from_env ? true : false) unless proxy_from_env.nil?
        Native.call(:mpgs_config_set_session_api_version, config, Integer(session_api_version)) unless session_api_version.nil?
        Native.call(:mpgs_config_set_token_api_version, config, Integer(token_api_version)) unless token_api_version.nil?
        unless validation_level.nil?
          Native.call(:mpgs_config_set_validation_level, config, Native.choice(VALIDATION_LEVELS, validation_level, "validation_level"))
        end
        unless token_repository_unique_card.nil?
          Native.call(:mpgs_config_set_token_repository_unique_card, config, token_repository_unique_card ? true : false)
        end
        Native.call(:mpgs_config_set_observer, config, Native::OBSERVER, nil) if @on_call
        @handle = FFI::AutoPointer.new(Native.make(:mpgs_client_new, config), Native.method(:mpgs_client_free))
      ensure
        config.free
      end
      @lock = Mutex.new
    end

    # Create Session. +body+: a Hash in the gateway's shape (nested or dotted names), JSON text,
    # an Mpgs::Request, or nil (an empty body). Checked before anything is sent.
    def create_session(body = nil)
      if body.is_a?(Request)
        Session.new(observed { Native.make(:mpgs_client_create_session_with, handle, body) })
      else
        Session.new(observed { Native.make(:mpgs_client_create_session, handle, Native.body(body)) })
      end
    end

    # Create or Update Token. +body+: a Hash, JSON text or an Mpgs::Request.
    def create_token(body)
      if body.is_a?(Request)
        Token.new(observed { Native.make(:mpgs_client_create_token_with, handle, body) })
      else
        Token.new(observed { Native.make(:mpgs_client_create_token, handle, Native.body(body)) })
      end
    end

    # Retrieve Session: what session +session_id+ holds, card details masked. The id is checked
    # before anything is sent (Mpgs::ValidationError naming sessionId).
    def retrieve_session(session_id)
      Session.new(observed { Native.make(:mpgs_client_retrieve_session, handle, session_id.to_s) })
    end

    # Update Session: stores +body+'s fields (Hash, JSON text or an Mpgs::Request of
    # :update_session) in session +session_id+. Never sent twice.
    def update_session(session_id, body = nil)
      if body.is_a?(Request)
        Session.new(observed { Native.make(:mpgs_client_update_session_with, handle, session_id.to_s, body) })
      else
        Session.new(observed { Native.make(:mpgs_client_update_session, handle, session_id.to_s, Native.body(body)) })
      end
    end

    # Retrieve Token: the details stored against +token+, card number masked.
    def retrieve_token(token)
      Token.new(observed { Native.make(:mpgs_client_retrieve_token, handle, token.to_s) })
    end

    # Delete Token: +token+ is then unknown to the gateway.
    def delete_token(token)
      DeleteResult.new(observed { Native.make(:mpgs_client_delete_token, handle, token.to_s) })
    end

    # Check Gateway: reachable and OPERATING? Sends no credentials.
    def check_gateway
      GatewayInfo.new(observed { Native.make(:mpgs_client_check_gateway, handle) })
    end

    # Warm-up: opens a connection to the gateway (TCP, the proxy tunnel if any, the TLS
    # handshake) and keeps it, so that the next call pays only its own round trip; nothing if an
    # idle connection is fit for reuse already. Sends no request (so it proves nothing about the
    # credentials, and makes no on_call event). The connection is kept as any idle one (15 s until
    # the server has said how long it keeps connections): call it when a call is near. Bounded by
    # +timeout+, the GVL released meanwhile; raises what a call would have met
    # (Mpgs::ConnectError, TLSError or TimeoutError, outcome_unknown? false: nothing was sent).
    def connect
      Native.call(:mpgs_client_connect, handle)
    end

    # When the client certificate (the leaf of +cert_file+) expires: its notAfter as a UTC Time,
    # so that a till can warn before the gateway starts refusing it; nil with a password. Reads
    # the certificate loaded when the client was made: sends nothing.
    def client_certificate_expiry
      out = FFI::MemoryPointer.new(:int64)
      Native.call(:mpgs_client_certificate_not_after, handle, out)
      Time.at(out.read_int64).utc
    rescue NotFoundError
      nil
    end

    # Whether +session+ (from #retrieve_session) can be tokenized, judged by libmpgs
    # (mpgs_session_ready_for_token) against +expected_version+: :ready or why not.
    def ready_for_token(session, expected_version = nil)
      session.ready_for_token(expected_version)
    end

    # Releases the client now (otherwise the garbage collector does). No thread may be using it.
    # Later calls raise Mpgs::InvalidArgumentError. Idempotent.
    def close
      @lock.synchronize do
        @handle&.free
        @handle = nil
      end
      nil
    end

    def closed?
      @handle.nil?
    end

    def inspect
      "#<Mpgs::Client #{closed? ? 'closed' : 'open'}>"
    end
    alias to_s inspect

    # @api private
    def self.ms(seconds, what)
      ms = (Float(seconds) * 1000).round
      return ms if ms.between?(0, 0xFFFFFFFF)

      raise InvalidArgumentError.build(Error::STATUS_INVALID_ARGUMENT, "mpgs: #{what} must be 0 to 4294967 seconds", field: what)
    end

    private

    # Runs the C call of the block; with an on_call hook, hands the hook the event that
    # Native::OBSERVER kept, once the C call has returned, on the calling thread, before the
    # call's result is returned or its error raised. The C call runs with Thread#raise and
    # Thread#kill deferred (Thread.handle_interrupt) so that none reaches the observer inside
    # libmpgs; they take effect when the call returns, as they would anyway: a C call is not
    # interrupted. A StandardError or ScriptError the hook raises is written with Kernel#warn
    # (its class, message and place; the event holds no secret) and dropped: the call's result
    # stands. Other exceptions (Interrupt, SystemExit) go through, as they do from any block.
    def observed(&call)
      return yield if @on_call.nil?

      Thread.current[Native::EVENT] = nil
      begin
        Thread.handle_interrupt(Object => :never, &call)
      ensure
        event = Thread.current[Native::EVENT]
        Thread.current[Native::EVENT] = nil
        deliver(event) if event
      end
    end

    def deliver(event)
      @on_call.call(event)
    rescue StandardError, ScriptError => e
      warn "mpgs: the on_call hook raised #{e.class}: #{e.message} (#{e.backtrace&.first}); " \
           "the call's result is returned as it was"
    end

    def handle
      @handle || raise(InvalidArgumentError.build(Error::STATUS_INVALID_ARGUMENT, "mpgs: the client is closed", field: "client"))
    end
  end
end
