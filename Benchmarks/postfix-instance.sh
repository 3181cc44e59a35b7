#!/usr/bin/env bash
# A private Postfix instance for benchmarks and tests, entirely under one directory: its own
# main.cf and master.cf, SMTP on 127.0.0.1:PORT only, STARTTLS with a self-signed certificate
# made here, no delays (in_flow_delay = 0), and every accepted message held in its own queue
# (the HOLD action): nothing is ever delivered anywhere. The system's Postfix, if any, is not
# touched. Needs root (Postfix's master starts as root) and Debian's postfix package, which
# scripts/install-test-deps.sh installs.
#
#   postfix-instance.sh start DIR PORT   write the configuration, start, return once it answers
#   postfix-instance.sh stop DIR         stop it; returns once every process of it has exited
#   postfix-instance.sh queued DIR       print the number of messages in its queue
#   postfix-instance.sh pids DIR         print the pids of its processes (master and children)
set -euo pipefail

command=${1:?usage: postfix-instance.sh start DIR PORT | stop DIR | queued DIR | pids DIR}
dir=$(realpath -m "${2:?directory missing}")
config=$dir/config

master_pid() {
    local file=$dir/queue/pid/master.pid
    [[ -f $file ]] || return 0
    local pid
    pid=$(tr -dc '0-9' < "$file")
    # Only a live process that really is this instance's master (pids are reused).
    [[ -n $pid ]] && grep -qs "master" "/proc/$pid/comm" && echo "$pid" || true
}

pids() {
    local master
    master=$(master_pid)
    [[ -n $master ]] || return 0
    echo "$master"
    pgrep -P "$master" || true
}

case $command in
start)
    port=${3:?port missing}
    [[ -z $(master_pid) ]] || { echo "postfix-instance: already running in $dir" >&2; exit 1; }
    mkdir -p "$config" "$dir/queue" "$dir/data" "$dir/tls"
    # Daemons read the certificate and the log path through these directories; the data
    # directory (master.lock, TLS caches) belongs to the mail owner, as Postfix checks.
    chmod 755 "$dir" "$config" "$dir/tls"
    owner=$(postconf -d -h mail_owner)
    chown "$owner" "$dir/data"
    if ! runuser -u "$owner" -- test -w "$dir/data"; then
        echo "postfix-instance: $owner cannot reach $dir/data: make every parent directory searchable (o+x)" >&2
        exit 1
    fi
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>/dev/null
    chmod 600 "$dir/tls/key.pem"
    cat > "$config/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = postfix-bench.envoi.test
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
# Accepted into the queue, then held there: never delivered, never bounced.
smtpd_data_restrictions = check_client_access static:HOLD
in_flow_delay = 0
smtpd_client_connection_count_limit = 0
smtpd_tls_security_level = may
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_protocols = >=TLSv1.2
message_size_limit = 10485760
notify_classes =
biff = no
EOF
    # Every service unchrooted (column 5 "n"): the queue lives in a temporary directory.
    cat > "$config/master.cf" <<EOF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
smtp      unix  - - n -    - smtp
relay     unix  - - n -    - smtp
showq     unix  n - n -    - showq
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
    # Postfix reports to its log, not to a non-terminal stderr: show the log when it fails.
    if ! postfix -c "$config" check || ! postfix -c "$config" start; then
        echo "postfix-instance: postfix did not start; its log:" >&2
        tail -n 20 "$dir/maillog" >&2 || true
        exit 1
    fi
    for _ in $(seq 1 80); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then exit 0; fi
        sleep 0.25
    done
    echo "postfix-instance: no answer on 127.0.0.1:$port after 20 s; see $dir/maillog" >&2
    exit 1
    ;;
stop)
    master=$(master_pid)
    [[ -n $master ]] || exit 0
    postfix -c "$config" stop 2>/dev/null || kill "$master" 2>/dev/null || true
    for _ in $(seq 1 80); do
        [[ -d /proc/$master ]] || exit 0
        sleep 0.25
    done
    # Still there after 20 s: end this instance's processes, by pid, and nothing else.
    kill -9 $(pgrep -P "$master") "$master" 2>/dev/null || true
    ;;
queued)
    find "$dir/queue/maildrop" "$dir/queue/incoming" "$dir/queue/active" "$dir/queue/deferred" "$dir/queue/hold" \
        -type f 2>/dev/null | wc -l
    ;;
pids)
    pids
    ;;
*)
    echo "postfix-instance: unknown command $command" >&2
    exit 2
    ;;
esac
