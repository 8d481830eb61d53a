/*
 * Runs libinjection's SQLi and XSS detectors over requests that run.py has already split into the
 * strings a WAF would hand to libinjection, and times only the detection calls.
 *
 * Input (binary-safe), one record per request:
 *     <number of strings>\n
 *     then for each string: <length in bytes>\n<bytes>
 * Output, one line per request, in input order:
 *     <index>\t<sqli 0|1>\t<xss 0|1>\t<nanoseconds>\t<first SQLi fingerprint or ->
 * and a last line:
 *     total\t<requests>\t<nanoseconds>
 * Every string of a request goes through both detectors (no early exit), so the time does not
 * depend on which string matched first.
 *
 * Build: scripts/peers/setup.sh (gcc -O2 with libinjection's C sources).
 * Usage: libinjection-harness INPUT > OUTPUT
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libinjection.h"
#include "libinjection_sqli.h"

typedef struct {
    const char *data;
    size_t length;
} piece;

static char *read_all(const char *path, size_t *size) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t capacity = 1 << 20, used = 0;
    char *buffer = malloc(capacity);
    for (;;) {
        if (used == capacity) {
            capacity *= 2;
            buffer = realloc(buffer, capacity);
        }
        size_t got = fread(buffer + used, 1, capacity - used, file);
        if (got == 0) break;
        used += got;
    }
    fclose(file);
    *size = used;
    return buffer;
}

/* Reads a decimal number ended by '\n' at *at; exits on malformed input. */
static size_t read_number(const char *buffer, size_t size, size_t *at) {
    size_t value = 0;
    int digits = 0;
    while (*at < size && buffer[*at] != '\n') {
        char c = buffer[*at];
        if (c < '0' || c > '9') {
            fprintf(stderr, "malformed input at byte %zu\n", *at);
            exit(1);
        }
        value = value * 10 + (size_t)(c - '0');
        digits++;
        (*at)++;
    }
    if (*at >= size || digits == 0) {
        fprintf(stderr, "truncated input at byte %zu\n", *at);
        exit(1);
    }
    (*at)++;
    return value;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s INPUT\n", argv[0]);
        return 2;
    }
    size_t size = 0;
    char *buffer = read_all(argv[1], &size);

    /* First pass: parse everything, so that the timed loop touches only libinjection. */
    size_t requests = 0, pieces_capacity = 1024, pieces_used = 0, starts_capacity = 1024;
    piece *pieces = malloc(pieces_capacity * sizeof(piece));
    size_t *starts = malloc(starts_capacity * sizeof(size_t));
    size_t at = 0;
    while (at < size) {
        size_t count = read_number(buffer, size, &at);
        if (requests + 2 > starts_capacity) {
            starts_capacity *= 2;
            starts = realloc(starts, starts_capacity * sizeof(size_t));
        }
        starts[requests++] = pieces_used;
        for (size_t i = 0; i < count; i++) {
            size_t length = read_number(buffer, size, &at);
            if (at + length > size) {
                fprintf(stderr, "truncated string at byte %zu\n", at);
                return 1;
            }
            if (pieces_used == pieces_capacity) {
                pieces_capacity *= 2;
                pieces = realloc(pieces, pieces_capacity * sizeof(piece));
            }
            pieces[pieces_used].data = buffer + at;
            pieces[pieces_used].length = length;
            pieces_used++;
            at += length;
        }
    }
    starts[requests] = pieces_used;

    unsigned char *sqli = calloc(requests + 1, 1);
    unsigned char *xss = calloc(requests + 1, 1);
    uint64_t *elapsed = calloc(requests + 1, sizeof(uint64_t));
    char (*fingerprints)[8] = calloc(requests + 1, 8);
    uint64_t total = 0;

    for (size_t r = 0; r < requests; r++) {
        char fingerprint[8];
        int found_sqli = 0, found_xss = 0;
        uint64_t start = now_ns();
        for (size_t p = starts[r]; p < starts[r + 1]; p++) {
            if (libinjection_sqli(pieces[p].data, pieces[p].length, fingerprint)) {
                if (!found_sqli) memcpy(fingerprints[r], fingerprint, 8);
                found_sqli = 1;
            }
            if (libinjection_xss(pieces[p].data, pieces[p].length)) found_xss = 1;
        }
        uint64_t end = now_ns();
        sqli[r] = (unsigned char)found_sqli;
        xss[r] = (unsigned char)found_xss;
        elapsed[r] = end - start;
        total += end - start;
    }

    for (size_t r = 0; r < requests; r++) {
        fingerprints[r][7] = '\0';
        printf("%zu\t%d\t%d\t%llu\t%s\n", r, sqli[r], xss[r], (unsigned long long)elapsed[r],
               sqli[r] ? fingerprints[r] : "-");
    }
    printf("total\t%zu\t%llu\n", requests, (unsigned long long)total);
    return 0;
}
