# Check bcrypt hashes the way Devise logs in: valid_password? calls
# Devise::Encryptor.compare(klass, encrypted_password, password), copied here
# from heartcombo/devise lib/devise/encryptor.rb with Devise's default
# config.pepper = nil, and Devise.secure_compare (lib/devise.rb), which is
# nil checks + ActiveSupport::SecurityUtils.secure_compare.
#
# usage: ruby tests/verifiers/check.rb PASSWORD < hashes.txt
# Each hash must pass compare AND start with "$2a$", the prefix Devise
# itself writes (BCrypt::Password.create). bcrypt-ruby >= 3.1.13 also logs in
# "$2b$" and "$2y$" hashes; they are refused here as not what Devise writes.
# Prints "ok N" and exits 0 when every hash passes; prints the first failing
# hash with the reason and exits 1 (also when no hash was read); exits 3 with
# "skipped: ..." when the bcrypt gem is missing, 2 on usage error.

begin
  require 'bcrypt'
rescue LoadError
  puts 'skipped: bcrypt gem not installed (apt-get install ruby-bcrypt, or gem install bcrypt)'
  exit 3
end
require 'openssl'

PEPPER = nil # Devise.pepper default

def blank?(s) # ActiveSupport's String#blank? / NilClass#blank?
  s.nil? || s.to_s.match?(/\A[[:space:]]*\z/)
end

def secure_compare(a, b) # Devise.secure_compare
  return false if a.nil? || b.nil?
  # ActiveSupport::SecurityUtils.secure_compare
  return false unless a.bytesize == b.bytesize
  if OpenSSL.respond_to?(:fixed_length_secure_compare)
    OpenSSL.fixed_length_secure_compare(a, b)
  else
    r = 0
    a.bytes.zip(b.bytes) { |x, y| r |= x ^ y }
    r.zero?
  end
end

# Devise::Encryptor.compare
def devise_compare(hashed_password, password)
  return false if blank?(hashed_password)
  bcrypt = ::BCrypt::Password.new(hashed_password)
  password = "#{password}#{PEPPER}" unless blank?(PEPPER)
  password = ::BCrypt::Engine.hash_secret(password, bcrypt.salt)
  secure_compare(password, hashed_password)
end

if ARGV.length != 1
  warn 'usage: ruby check.rb PASSWORD < hashes.txt'
  exit 2
end
password = ARGV[0]

n = 0
$stdin.each_line do |line|
  h = line.strip
  next if h.empty?
  why =
    begin
      if !devise_compare(h, password)
        'Devise::Encryptor.compare is false'
      elsif !h.start_with?('$2a$')
        'Devise::Encryptor.compare accepts it, but Devise writes $2a$'
      end
    rescue BCrypt::Errors::InvalidHash, BCrypt::Errors::InvalidSalt => e
      "#{e.class}: #{e.message}"
    end
  if why
    puts "#{h}  (#{why})"
    exit 1
  end
  n += 1
end
if n.zero?
  puts 'no hashes on stdin'
  exit 1
end
puts "ok #{n}"
