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
  end
end

require_relative "native_functions"

module Mpgs
  module Native
    if mpgs_version != HEADER_VERSION || HEADER_VERSION != Mpgs::VERSION
      raise LoadError, "mpgs: #{LIBRARY} is libmpgs #{mpgs_version}, this gem needs #{Mpgs::VERSION}"
    end

    module_function

    # Calls C function +name+ with +args+ and an `mpgs_error **err` last; raises the Mpgs::Error
    # its error makes (the C error freed) when the status is not MPGS_STATUS_OK.
    def call(name, *args)
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
