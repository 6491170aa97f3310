# frozen_string_literal: true

module Mpgs
  # A request built field by field (mpgs_request_*): values as text, by the dotted names the
  # gateway documents, zeroed when the request is released. Pass it to Client#create_session,
  # #create_token or #update_session.
  #
  #   Mpgs::Request.new(:create_token).set("sourceOfFunds.type", "CARD")
  class Request
    attr_reader :operation

    # +operation+: :create_session, :create_token or :update_session.
    def initialize(operation)
      @operation = operation.to_sym
      @handle = FFI::AutoPointer.new(Native.make(:mpgs_request_new, Native.choice(OPERATIONS, operation, "operation")),
                                     Native.method(:mpgs_request_free))
    end

    # Sets field +name+ to +value+ (text; integers as their digits). Judged when validated or sent.
    def set(name, value)
      name = Native.text(name.to_s, "name")
      Native.call(:mpgs_request_set, @handle, name, Native.text(value.to_s, name)) # a NUL in the value names the field
      self
    end
    alias []= set

    # Removes field +name+ if it was set.
    def unset(name)
      Native.call(:mpgs_request_unset, @handle, name.to_s)
      self
    end

    # Checks every rule of the operation without sending: Mpgs::ValidationError with every problem.
    def validate
      Native.call(:mpgs_request_validate, @handle)
      nil
    end

    # @api private
    def to_ptr
      @handle
    end

    def inspect
      "#<Mpgs::Request #{@operation}>"
    end
    alias to_s inspect
  end
end
