#!/usr/bin/perl
# Verifies the DKIM signature of a message with Perl Mail::DKIM (Debian libmail-dkim-perl),
# fetching the key through the DNS server at HOST:PORT (Net::DNS follows the CNAME and retries
# over TCP when the UDP answer is truncated).
# Usage: verify_mail_dkim.pl HOST PORT MESSAGE_FILE. Prints the result; exits 0 on pass, 1 otherwise.
use strict;
use warnings;
use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ($host, $port, $file) = @ARGV;
die "usage: $0 HOST PORT MESSAGE_FILE\n" unless defined $file;
my $resolver = Net::DNS::Resolver->new(nameservers => [$host], port => $port, recurse => 1,
                                       udp_timeout => 5, tcp_timeout => 5, retry => 1);
Mail::DKIM::DNS::resolver($resolver);

open my $handle, '<', $file or die "cannot open $file: $!\n";
binmode $handle;
my $verifier = Mail::DKIM::Verifier->new();
while (my $line = <$handle>) {
    $line =~ s/\015?\012\z/\015\012/;
    $verifier->PRINT($line);
}
$verifier->CLOSE;
close $handle;
my $detail = $verifier->result_detail;
print "Mail::DKIM: $detail\n";
foreach my $signature ($verifier->signatures) {
    printf "signature d=%s s=%s a=%s: %s\n", $signature->domain, $signature->selector, $signature->algorithm,
        $signature->result_detail;
}
exit($verifier->result eq 'pass' ? 0 : 1);
