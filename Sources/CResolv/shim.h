/*
 * glibc's stub resolver (libresolv, part of libc6-dev: no extra package) for the DNSResolver
 * module. resolv.h spells its API as macros (res_ninit -> __res_ninit, ns_msg_count, ...) that
 * Swift cannot import, so the few calls Envoi needs are wrapped here as static inline functions.
 */
#ifndef ENVOI_CRESOLV_SHIM_H
#define ENVOI_CRESOLV_SHIM_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A fresh resolver state, read from /etc/resolv.conf; NULL when that fails. Names are always
 * absolute: the search list and default domain are switched off. */
static inline res_state envoi_res_open(int timeout_seconds, int attempts) {
    res_state state = calloc(1, sizeof(struct __res_state));
    if (state == NULL) return NULL;
    if (res_ninit(state) != 0) { res_nclose(state); free(state); return NULL; }
    state->retrans = timeout_seconds;
    state->retry = attempts;
    state->options &= ~(RES_DNSRCH | RES_DEFNAMES);
    state->options |= RES_RECURSE;
    return state;
}

/* Asks only `address` (IPv4 or IPv6, with its port). glibc keeps IPv4 servers in nsaddr_list and
 * IPv6 ones in the malloc'd _u._ext.nsaddrs (res_nclose frees them), the way res_ninit stores
 * resolv.conf's; `pfcode` makes res_nsend hand back SERVFAIL/REFUSED answers instead of trying
 * another server, so that the caller can report the server's own rcode. Returns 0 or -1. */
static inline int envoi_res_use_server(res_state state, const struct sockaddr *address) {
    for (int i = 0; i < MAXNS; i++) {
        if (state->_u._ext.nsaddrs[i] != NULL) { free(state->_u._ext.nsaddrs[i]); state->_u._ext.nsaddrs[i] = NULL; }
        state->_u._ext.nssocks[i] = -1;
    }
    state->_u._ext.nscount = 0;
    memset(state->nsaddr_list, 0, sizeof(state->nsaddr_list));
    if (address->sa_family == AF_INET) {
        memcpy(&state->nsaddr_list[0], address, sizeof(struct sockaddr_in));
    } else if (address->sa_family == AF_INET6) {
        struct sockaddr_in6 *copy = malloc(sizeof(struct sockaddr_in6));
        if (copy == NULL) return -1;
        memcpy(copy, address, sizeof(struct sockaddr_in6));
        state->nsaddr_list[0].sin_family = 0;
        state->_u._ext.nsaddrs[0] = copy;
    } else {
        return -1;
    }
    state->nscount = 1;
    state->pfcode = RES_PRF_HEAD1;
    return 0;
}

/* Builds a query for `name`/`type` (class IN) and sends it (res_nsend: UDP, then TCP when the
 * answer is truncated, RFC 7766 section 5). Returns the answer's length, -2 when the name cannot
 * be encoded, -1 when no answer came (errno tells why: ETIMEDOUT, ECONNREFUSED, ...). */
static inline int envoi_res_query(res_state state, const char *name, int type, unsigned char *answer, int answer_length,
                                  int *error_number) {
    unsigned char query[NS_MAXMSG < 1024 ? NS_MAXMSG : 1024];
    int length = res_nmkquery(state, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, query, sizeof(query));
    if (length < 0) return -2;
    errno = 0;
    int received = res_nsend(state, query, length, answer, answer_length);
    *error_number = errno;
    return received;
}

static inline void envoi_res_close(res_state state) {
    res_nclose(state);
    free(state);
}

/* ns_msg_count(): the record count of a section. */
static inline int envoi_ns_count(const ns_msg *message, ns_sect section) {
    return ns_msg_count(*message, section);
}

/* The response code and the TC, AA bits of a parsed message. */
static inline int envoi_ns_rcode(const ns_msg *message) { return ns_msg_getflag(*message, ns_f_rcode); }
static inline int envoi_ns_truncated(const ns_msg *message) { return ns_msg_getflag(*message, ns_f_tc); }
static inline int envoi_ns_authoritative(const ns_msg *message) { return ns_msg_getflag(*message, ns_f_aa); }

/* Expands the possibly compressed name at `source` (RFC 1035 section 4.1.4). */
static inline int envoi_dn_expand(const unsigned char *message, const unsigned char *end, const unsigned char *source,
                                  char *destination, int length) {
    return dn_expand(message, end, source, destination, length);
}

#endif
