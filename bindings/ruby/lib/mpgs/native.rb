# frozen_string_literal: true

require "ffi"
require "rbconfig"

module Mpgs
  # The C library: the gem's own libmpgs (vendor/<cpu>-linux-gnu/libmpgs.so, found from this
  # file's place), or the one MPGS_LIBRARY names (a system-wide install); its version must be the
  # gem's. The declarations (native_functions.rb) are generated from include/mpgs.h.
  # @api private
  module Native
    extend FFI::Library

    LIBRARY = ENV.fetch("MPGS_LIBRARY", nil) ||
              File.expand_path("../../vendor/#{RbConfig::CONFIG['host_cpu']}-linux-gnu/libmpgs.so", __dir__)
    unless File.file?(LIBRARY)
      raise LoadError, "mpgs: no libmpgs at #{LIBRARY} (this gem ships x86_64-linux-gnu; " \
                       "set MPGS_LIBRARY to a libmpgs #{Mpgs::VERSION} for #{RbConfig::CONFIG['host']})"
    end
    ffi_lib LIBRARY

    # struct mpgs_field_error: three borrowed strings.
    class FieldErrorStruct < FFI::Struct
      layout :field, :pointer, :validation_type, :pointer, :explanation, :pointer
    end

    # struct mpgs_call_event (borrowed: read only during the observer's call).
    class CallEventStruct < FFI::Struct
      layout :operation, :uint32, :operation_name, :pointer, :method, :pointer, :path, :pointer,
             :api_version, :uint32, :http_status, :uint16, :attempts, :uint32, :elapsed_us, :uint64,
             :outcome_unknown, :bool, :status, :uint32, :stage, :uint32
    end
  end
end

require_relative "native_functions"

module Mpgs
  module Native
    if mpgs_version != HEADER_VERSION || HEADER_VERSION != Mpgs::VERSION
      raise LoadError, "mpgs: #{LIBRARY} is libmpgs #{mpgs_version}, this gem needs #{Mpgs::VERSION}"
    end

    # The fiber-local slot where OBSERVER leaves the event of the call now returning.
    EVENT = :__mpgs_call_event

    # The C observer (mpgs_call_observer) of every client made with an on_call hook: one for the
    # process, kept by this constant for its life. libmpgs calls it on the calling thread before
    # the call returns; the ffi gem takes the GVL back for it (the call itself runs without:
    # blocking: true). It only copies the borrowed event into a frozen Mpgs::CallEvent in a
    # fiber-local slot, rescuing anything, so that no exception is left for the ffi gem to raise
    # when the call returns; Client#observed hands the event to the hook once the C call is over.
    OBSERVER = FFI::Function.new(:void, %i[pointer pointer]) do |event, _user_data|
      Thread.current[EVENT] = begin
        CallEvent.from_c(CallEventStruct.new(event))
      rescue Exception # rubocop:disable Lint/RescueException -- nothing may leave a C callback
        nil
      end
    end

    # How this gem's methods name the C parameters of TEXT_PARAMETERS that they spell otherwise.
    TEXT_NAMES = { "json" => "body", "proxy_url" => "proxy" }.freeze

    module_function

    # Calls C function +name+ with +args+ and an `mpgs_error **err` last; raises the Mpgs::Error
    # its error makes (the C error freed) when the status is not MPGS_STATUS_OK. A String
    # holding NUL where the function takes C text is refused first (see #text).
    def call(name, *args)
      TEXT_PARAMETERS.fetch(name, {}).each { |i, param| text(args[i], TEXT_NAMES.fetch(param, param)) }
      err = FFI::MemoryPointer.new(:pointer)
      status = Native.public_send(name, *args, err)
      raise Error.from_c(status, err.read_pointer) unless status.zero?

      nil
    end

    # Calls +name+ with +args+, an out pointer and err; returns what it wrote to the out pointer.
    def make(name, *args)
      out = FFI::MemoryPointer.new(:pointer)
      call(name, *args, out)
      out.read_pointer
    end

    # +value+ as C text: a String holding U+0000 (NUL) raises Mpgs::InvalidArgumentError naming
    # +name+, since C reads text only up to its NUL (a token "tok\\0/../x" would reach the
    # gateway as "tok"). The message never holds the value.
    def text(value, name)
      return value unless value.is_a?(String) && value.b.include?("\0")

      raise InvalidArgumentError.build(Mpgs::Error::STATUS_INVALID_ARGUMENT,
                                       "mpgs: #{name} holds a NUL character (U+0000), which C text cannot carry: " \
                                       "refused, not cut short", field: name)
    end

    # A `const char *` in a struct field.
    def str(pointer)
      pointer.null? ? nil : pointer.read_string.force_encoding(Encoding::UTF_8)
    end

    # JSON text for a request body: a Hash (or anything JSON can write), JSON text, or nil.
    def body(body)
      case body
      when nil, String then body
      else JSON.generate(body)
      end
    end

    # The C number of +value+ (a Symbol, or its name as a String with - or _) in +table+.
    def choice(table, value, what)
      key = value.is_a?(String) ? value.tr("-", "_").to_sym : value
      table.fetch(key) do
        raise InvalidArgumentError.build(Mpgs::Error::STATUS_INVALID_ARGUMENT,
                                         "mpgs: #{what} must be one of #{table.keys.join(', ')}, not #{value.inspect}",
                                         field: what)
      end
    end
  end
end
