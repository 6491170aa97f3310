# frozen_string_literal: true

# Build with `ruby build.rb LIBMPGS && gem build mpgs.gemspec` (make dist does both): build.rb
# writes lib/mpgs/version.rb, lib/mpgs/native_functions.rb and vendor/x86_64-linux-gnu/libmpgs.so.
require_relative "lib/mpgs/version"

Gem::Specification.new do |s|
  s.name = "mpgs"
  s.version = Mpgs::VERSION
  s.platform = "x86_64-linux"
  s.summary = "Mastercard Payment Gateway (MPGS) REST client, libmpgs inside"
  s.description = "Create Session, Create or Update Token and the calls around them (Retrieve and Update " \
                  "Session, Retrieve and Delete Token, Check Gateway) against the Mastercard Payment Gateway, " \
                  "every request checked against the gateway's field rules before it is sent. The Rust " \
                  "library libmpgs is inside the gem, used through the ffi gem: nothing to compile."
  s.authors = ["The mpgs authors"]
  s.email = ["mpgs@users.noreply.github.com"]
  s.license = "Apache-2.0"
  s.homepage = "https://github.com/mpgs/mpgs/tree/main/bindings/ruby"
  s.metadata = {
    "source_code_uri" => "https://github.com/mpgs/mpgs/tree/main/bindings/ruby",
    "changelog_uri" => "https://github.com/mpgs/mpgs/blob/main/bindings/ruby/CHANGELOG.md",
    "bug_tracker_uri" => "https://github.com/mpgs/mpgs/issues",
    "rubygems_mfa_required" => "true",
  }
  s.required_ruby_version = ">= 2.7"
  # Listed, not taken from git: the generated files and the library are not in git.
  s.files = Dir[File.join(__dir__, "lib", "**", "*.rb")].map { |f| f.delete_prefix("#{__dir__}/") }.sort +
            %w[vendor/x86_64-linux-gnu/libmpgs.so README.md CHANGELOG.md LICENSE]
  s.require_paths = ["lib"]
  s.add_dependency "ffi", "~> 1.15"
end
