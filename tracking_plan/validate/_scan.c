/* The native scanner of `tp validate`: checks JSON Lines records against tables compiled from
 * the plan (tracking_plan/validate/native.py), straight from the bytes, without building Python
 * objects.
 *
 * Like the msgspec fast path it only ever says "valid, nothing to report" or "let Python look":
 * every record it is not sure about (a violation, a warning to give, an escaped key, a float
 * where an integer is planned, a number too large for exact comparison, ...) is handed back to
 * the caller, which runs the full engine on it. Accepting must imply that the compiled JSON
 * Schema accepts the record; tests/test_validate_equivalence.py checks that.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_builtin)
#if __has_builtin(__builtin_prefetch)
#define PREFETCH(address) __builtin_prefetch(address)
#endif
#elif defined(__GNUC__)
#define PREFETCH(address) __builtin_prefetch(address)
#endif
#ifndef PREFETCH
#define PREFETCH(address) ((void)(address))
#endif

/* The constants Python shares are exported by the module under the same names and must equal
 * tracking_plan/validate/scan_specs.py (tests/test_native.py checks). */
#define MAX_DEPTH 64
#define MAX_MESSAGE_BYTES 32768
#define MAX_MESSAGE_ID 100
#define MAX_FIELDS 64 /* properties of an object node: a bit each in `present` */
#define NODE_FIELDS 19 /* items of a node spec (load_node) */
#define ROUTE_FIELDS 7 /* items of a route spec (load_route) */
_Static_assert(MAX_FIELDS <= 64, "`present` holds a bit per field");
#define EXACT_INT 9007199254740992LL /* 2**53: integers up to here are exact doubles */

enum {
    T_NULL = 1, T_BOOL = 2, T_INT = 4, T_NUM = 8, T_STR = 16, T_ARR = 32, T_OBJ = 64,
    T_ALL = 127
};

enum { K_TRACK, K_IDENTIFY, K_PAGE, K_SCREEN, K_GROUP };

/* -- tables ---------------------------------------------------------------------------------- */

typedef struct {
    char *key;
    Py_ssize_t len;
    int node;
} Field;

typedef struct {
    int types;
    /* enum: accepted values (other keywords already applied by the table compiler) */
    int has_enum, enum_null;
    Py_ssize_t n_strs, n_ints;
    char **strs;
    Py_ssize_t *str_lens;
    long long *ints;
    /* strings */
    Py_ssize_t min_len, max_len; /* -1: none */
    int dfa1, dfa2;              /* -1: none */
    /* numbers */
    int has_min, has_max, has_xmin, has_xmax;
    double min, max, xmin, xmax;
    long long multiple_of; /* 0: none */
    /* arrays */
    int items; /* -1: any value */
    Py_ssize_t min_items, max_items;
    /* objects: fields NULL (n_fields -1) means any object */
    Py_ssize_t n_fields;
    Field *fields;
    uint64_t required;
    int forbid_unknown;
    /* enum_exact: the node has only `type` and `enum`, all enum values pass `type`; then a
     * value outside the enum breaks exactly `enum` and maybe `type`. format_exact: failing
     * dfa2 means failing the format (email), not only "ask Python" (date-time's Feb 29). */
    int enum_exact, format_exact;
    int format_outer; /* -1, or a DFA every valid value matches: failing it fails the format */
} Node;

typedef struct {
    int32_t *next;
    char *accepting;
    Py_ssize_t states;
    int start;
} Dfa;

#define PYTHON_DECIDES (-2) /* a route's payload node when the scanner cannot judge it */

typedef struct {
    int kind;
    char *name;
    Py_ssize_t name_len;
    int payload; /* object node, -1: any object, PYTHON_DECIDES */
    int payload_required;
    int context; /* object node, -1: any object */
    int context_required;
    Py_ssize_t n_fields; /* payload fields counted for presence */
    long long records;   /* accepted */
    long long *present;  /* per field, in accepted records */
    long long *kinds;    /* per field and KN_* kind, in accepted records */
    long long explained; /* records with violations the scanner could name */
    long long *explained_present;
    long long *explained_kinds; /* per field and KN_* kind */
} Route;

#define INLINE_ID 40

/* A remembered messageId: short ones are stored inline, longer ones on the heap. */
typedef struct {
    uint64_t hash;
    uint32_t slot; /* where the hash index points at it */
    uint32_t len;
    char *heap;
    char data[INLINE_ID];
} Seen; /* 64 bytes: one cache line */

/* The hash index over the ring: the hash beside the ring position, so that most lookups touch
 * one cache line. */
typedef struct {
    uint32_t hash; /* the low bits of the id's hash: enough for the home slot */
    uint32_t ring; /* ring index + 1, 0 empty */
} Slot;

static inline const char *seen_bytes(const Seen *s) { return s->heap ? s->heap : s->data; }

/* A signature whose report Python has settled: the scanner counts its records itself. */
typedef struct {
    uint64_t hash;
    char *data;
    Py_ssize_t len;
    long long count;
} Settled;

#define MAX_SETTLED 100000

typedef struct {
    PyObject_HEAD
    Node *nodes;
    Py_ssize_t n_nodes;
    Dfa *dfas;
    Py_ssize_t n_dfas;
    Route *routes;
    Py_ssize_t n_routes;
    int *route_table; /* open addressing: route index + 1, 0 empty */
    Py_ssize_t route_mask;
    int date_time; /* dfa index for envelope timestamps */
    /* duplicate messageIds: the last `window` distinct ids, in a ring, with a hash index */
    Py_ssize_t window;
    Seen *ring;
    Py_ssize_t ring_head, ring_count;
    Slot *slots;
    Py_ssize_t slot_mask;
    /* the signature of the last record explained: what `scan` hands back with it */
    char signature[2 + sizeof(int32_t) * (2 + 16 * 5) + MAX_MESSAGE_BYTES];
    Py_ssize_t signature_len;
    /* settled signatures: open addressing over `settled`, index + 1, 0 empty */
    Settled *settled;
    Py_ssize_t n_settled, settled_capacity;
    Py_ssize_t *settled_slots;
    Py_ssize_t settled_mask;
} Scanner;

static inline uint64_t mix(uint64_t h) {
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h;
}

/* Eight bytes at a time, each word mixed in (ids are hashed once per record). */
static uint64_t hash_bytes(const char *data, Py_ssize_t len, uint64_t seed) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ seed ^ (uint64_t)len;
    Py_ssize_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        h = mix(h ^ w) * 0x94D049BB133111EBULL;
    }
    uint64_t tail = 0;
    memcpy(&tail, data + i, (size_t)(len - i));
    return mix(mix(h ^ tail) + 0x9E3779B97F4A7C15ULL);
}

/* -- JSON scanning ---------------------------------------------------------------------------- */

typedef struct {
    const char *start; /* content, between the quotes */
    Py_ssize_t len;
    int escaped;        /* has backslash escapes */
    int ascii;          /* no byte >= 0x80 */
    Py_ssize_t points;  /* code points, when not escaped */
} Str;

typedef struct {
    int is_int;  /* no fraction, no exponent, and fits in int64 */
    int integral_literal; /* no fraction and no exponent */
    long long ivalue;
    double dvalue;
} Num;

static inline const char *skip_ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

static inline int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 1 for the bytes a string holds as they are: printable ASCII but the quote and backslash. */
static unsigned char PLAIN[256];

static void init_plain(void) {
    for (int c = 0x20; c < 0x80; c++) PLAIN[c] = 1;
    PLAIN['"'] = PLAIN['\\'] = 0;
}

static int hex4(const unsigned char *q) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval((char)q[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* A JSON string at p (the opening quote); NULL when it is not valid JSON or not valid UTF-8, or
 * has an escaped lone surrogate (no character: Python reports it). An escaped surrogate pair
 * is one character, as json.dumps writes characters outside the Basic Multilingual Plane. */
static const char *scan_string(const char *p, const char *e, Str *s) {
    const unsigned char *q = (const unsigned char *)p + 1;
    const unsigned char *end = (const unsigned char *)e;
    s->start = (const char *)q;
    s->escaped = 0;
    s->ascii = 1;
    Py_ssize_t points = 0;
    while (q < end) {
        /* The byte after every line is a line break or the NUL that ends a bytes object, so
         * this loop stops inside the buffer without checking the end. */
        const unsigned char *run = q;
        for (;;) {
            if (!PLAIN[q[0]]) break;
            if (!PLAIN[q[1]]) { q += 1; break; }
            if (!PLAIN[q[2]]) { q += 2; break; }
            if (!PLAIN[q[3]]) { q += 3; break; }
            q += 4;
        }
        points += q - run;
        if (q >= end) break;
        unsigned char c = *q;
        if (c == '"') {
            s->len = (const char *)q - s->start;
            s->points = points;
            return (const char *)q + 1;
        }
        if (c < 0x20) return NULL;
        if (c == '\\') {
            s->escaped = 1;
            if (q + 1 >= end) return NULL;
            unsigned char x = q[1];
            if (x == 'u') {
                if (q + 6 > end) return NULL;
                int v = hex4(q + 2);
                if (v < 0 || (v >= 0xDC00 && v <= 0xDFFF)) return NULL;
                if (v >= 0xD800 && v <= 0xDBFF) {
                    int low = q + 12 <= end && q[6] == '\\' && q[7] == 'u' ? hex4(q + 8) : -1;
                    if (low < 0xDC00 || low > 0xDFFF) return NULL;
                    q += 6;
                }
                q += 6;
            } else if (x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' ||
                       x == 'r' || x == 't') {
                q += 2;
            } else {
                return NULL;
            }
            points++;
            continue;
        }
        if (c < 0x80) {
            q++;
        } else {
            s->ascii = 0;
            int need;
            unsigned char lo = 0x80, hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) need = 1;
            else if (c == 0xE0) { need = 2; lo = 0xA0; }
            else if (c >= 0xE1 && c <= 0xEC) need = 2;
            else if (c == 0xED) { need = 2; hi = 0x9F; }
            else if (c >= 0xEE && c <= 0xEF) need = 2;
            else if (c == 0xF0) { need = 3; lo = 0x90; }
            else if (c >= 0xF1 && c <= 0xF3) need = 3;
            else if (c == 0xF4) { need = 3; hi = 0x8F; }
            else return NULL;
            if (q + need >= end) return NULL;
            if (q[1] < lo || q[1] > hi) return NULL;
            for (int i = 2; i <= need; i++)
                if (q[i] < 0x80 || q[i] > 0xBF) return NULL;
            q += need + 1;
        }
        points++;
    }
    return NULL;
}

/* A JSON number at p; NULL when it is not valid JSON, or too long to read exactly. */
static const char *scan_number(const char *p, const char *e, Num *n) {
    const char *start = p;
    int digits = 0;
    if (p < e && *p == '-') p++;
    if (p >= e) return NULL;
    if (*p == '0') {
        p++;
        digits = 1;
    } else if (*p >= '1' && *p <= '9') {
        while (p < e && *p >= '0' && *p <= '9') { p++; digits++; }
    } else {
        return NULL;
    }
    int integral = 1;
    if (p < e && *p == '.') {
        integral = 0;
        p++;
        if (p >= e || *p < '0' || *p > '9') return NULL;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        integral = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return NULL;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    n->integral_literal = integral;
    n->is_int = 0;
    if (integral && digits <= 18) {
        long long v = 0;
        const char *d = start + (*start == '-');
        for (; d < p; d++) v = v * 10 + (*d - '0');
        n->ivalue = *start == '-' ? -v : v;
        n->is_int = 1;
        n->dvalue = (double)n->ivalue;
        return p;
    }
    if (integral) return p; /* a big integer: only "some number" is known */
    char text[64];
    Py_ssize_t len = p - start;
    if (len >= (Py_ssize_t)sizeof text) return NULL;
    memcpy(text, start, len);
    text[len] = 0;
    n->dvalue = strtod(text, NULL);
    if (!isfinite(n->dvalue)) return NULL;
    return p;
}

static inline const char *literal(const char *p, const char *e, const char *word, int len) {
    return (e - p >= len && memcmp(p, word, len) == 0) ? p + len : NULL;
}

static const char *skip_value(const char *p, const char *e, int depth);

static const char *skip_container(const char *p, const char *e, int depth, char close) {
    p = skip_ws(p + 1, e);
    if (p < e && *p == close) return p + 1;
    for (;;) {
        if (close == '}') {
            Str key;
            if (p >= e || *p != '"' || !(p = scan_string(p, e, &key))) return NULL;
            p = skip_ws(p, e);
            if (p >= e || *p != ':') return NULL;
            p = skip_ws(p + 1, e);
        }
        if (!(p = skip_value(p, e, depth + 1))) return NULL;
        p = skip_ws(p, e);
        if (p >= e) return NULL;
        if (*p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        return *p == close ? p + 1 : NULL;
    }
}

/* Any JSON value at p, checked for syntax only. */
static const char *skip_value(const char *p, const char *e, int depth) {
    if (p >= e || depth > MAX_DEPTH) return NULL;
    Str s;
    Num n;
    switch (*p) {
    case '"': return scan_string(p, e, &s);
    case '{': return skip_container(p, e, depth, '}');
    case '[': return skip_container(p, e, depth, ']');
    case 't': return literal(p, e, "true", 4);
    case 'f': return literal(p, e, "false", 5);
    case 'n': return literal(p, e, "null", 4);
    default: return scan_number(p, e, &n);
    }
}

/* -- checking values against nodes --------------------------------------------------------- */

static int run_dfa(const Dfa *d, const Str *s) {
    int state = d->start;
    const unsigned char *q = (const unsigned char *)s->start;
    for (Py_ssize_t i = 0; i < s->len; i++) {
        state = d->next[(Py_ssize_t)state * 128 + q[i]];
        if (state < 0) return 0;
    }
    return d->accepting[state];
}

/* What a record breaks, for a record the scanner can explain: per violation, the node, the
 * keywords that fail (B_*), the value's kind (KN_*) and, for `required`, the missing fields. */
enum {
    B_TYPE = 1, B_ENUM = 2, B_MIN_LENGTH = 4, B_MAX_LENGTH = 8, B_PATTERN = 16, B_FORMAT = 32,
    B_MINIMUM = 64, B_MAXIMUM = 128, B_EXCLUSIVE_MINIMUM = 256, B_EXCLUSIVE_MAXIMUM = 512,
    B_MULTIPLE_OF = 1024, B_MIN_ITEMS = 2048, B_MAX_ITEMS = 4096, B_REQUIRED = 8192,
    B_UNPLANNED = 16384 /* a key the node does not plan, under `warn` or `forbid` */
};
enum { KN_NULL, KN_BOOLEAN, KN_NUMBER, KN_STRING, KN_ARRAY, KN_OBJECT, KN_COUNT };

#define MAX_VIOLATIONS 16
#define VIOLATION_WORDS 5

typedef struct {
    int count;
    int32_t words[MAX_VIOLATIONS * VIOLATION_WORDS];
    const char *keys[MAX_VIOLATIONS]; /* the key of a B_UNPLANNED violation */
    int in_array; /* > 0 inside array items, where Python must name unplanned keys by index */
} Violations;

static int kind_at(const char *p) {
    switch (*p) {
    case '"': return KN_STRING;
    case '{': return KN_OBJECT;
    case '[': return KN_ARRAY;
    case 't':
    case 'f': return KN_BOOLEAN;
    case 'n': return KN_NULL;
    default: return KN_NUMBER;
    }
}

/* An unplanned key; 0 when Python must look (too many, or the same key twice). */
static int unplanned_key(Violations *v, int node, const Str *key, int kind, int first) {
    if (v->in_array) return 0;
    for (int i = first; i < v->count; i++) {
        const int32_t *w = &v->words[i * VIOLATION_WORDS];
        if (w[1] == B_UNPLANNED && w[3] == key->len && memcmp(v->keys[i], key->start, key->len) == 0)
            return 0;
    }
    if (v->count >= MAX_VIOLATIONS) return 0;
    v->keys[v->count] = key->start;
    int32_t *w = &v->words[v->count++ * VIOLATION_WORDS];
    w[0] = node;
    w[1] = B_UNPLANNED;
    w[2] = kind;
    w[3] = (int32_t)key->len;
    w[4] = 0;
    return 1;
}

/* 0 when there are too many to say (the record goes to Python). */
static int violation(Violations *v, int node, unsigned bits, int kind, uint64_t missing) {
    if (v->count >= MAX_VIOLATIONS) return 0;
    int32_t *w = &v->words[v->count++ * VIOLATION_WORDS];
    w[0] = node;
    w[1] = (int32_t)bits;
    w[2] = kind;
    w[3] = (int32_t)(uint32_t)(missing & 0xFFFFFFFFu);
    w[4] = (int32_t)(uint32_t)(missing >> 32);
    return 1;
}

static const char *check_value(Scanner *sc, Violations *v, int index, const char *p,
                               const char *e, int depth, int *kind_out);

/* An object against an object node: its fields, unknown keys, and `required`. `present` gets
 * the fields seen, `kinds` (n_fields entries) the kind of each field's value. */
static const char *check_object(Scanner *sc, Violations *v, int index, const char *p,
                                const char *e, int depth, uint64_t *present, unsigned char *kinds) {
    const Node *n = &sc->nodes[index];
    uint64_t seen = 0;
    int first = v->count;
    if (depth > MAX_DEPTH) return NULL;
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}') {
        p++;
    } else {
        for (;;) {
            Str key;
            if (p >= e || *p != '"' || !(p = scan_string(p, e, &key)) || key.escaped) return NULL;
            p = skip_ws(p, e);
            if (p >= e || *p != ':') return NULL;
            p = skip_ws(p + 1, e);
            Py_ssize_t i;
            for (i = 0; i < n->n_fields; i++) {
                const Field *f = &n->fields[i];
                if (f->len == key.len && memcmp(f->key, key.start, key.len) == 0) break;
            }
            if (i < n->n_fields) {
                uint64_t bit = (uint64_t)1 << i;
                if (seen & bit) return NULL; /* a duplicate key: Python decides */
                seen |= bit;
                int kind;
                p = check_value(sc, v, n->fields[i].node, p, e, depth + 1, &kind);
                if (kinds) kinds[i] = (unsigned char)kind;
            } else if (n->forbid_unknown) {
                if (key.len > 0x7FFFFFFF || !unplanned_key(v, index, &key, kind_at(p), first))
                    return NULL;
                p = skip_value(p, e, depth + 1);
            } else {
                p = skip_value(p, e, depth + 1);
            }
            if (!p) return NULL;
            p = skip_ws(p, e);
            if (p >= e) return NULL;
            if (*p == ',') {
                p = skip_ws(p + 1, e);
                continue;
            }
            if (*p != '}') return NULL;
            p++;
            break;
        }
    }
    uint64_t missing = n->required & ~seen;
    if (missing && !violation(v, index, B_REQUIRED, KN_OBJECT, missing)) return NULL;
    if (present) *present = seen;
    return p;
}

static unsigned bounds_failed(const Node *n, double value) {
    unsigned bits = 0;
    if (n->has_min && !(value >= n->min)) bits |= B_MINIMUM;
    if (n->has_max && !(value <= n->max)) bits |= B_MAXIMUM;
    if (n->has_xmin && !(value > n->xmin)) bits |= B_EXCLUSIVE_MINIMUM;
    if (n->has_xmax && !(value < n->xmax)) bits |= B_EXCLUSIVE_MAXIMUM;
    return bits;
}

static int string_in_enum(const Node *n, const Str *s) {
    for (Py_ssize_t i = 0; i < n->n_strs; i++)
        if (n->str_lens[i] == s->len && memcmp(n->strs[i], s->start, s->len) == 0) return 1;
    return 0;
}

static int int_in_enum(const Node *n, long long value) {
    for (Py_ssize_t i = 0; i < n->n_ints; i++)
        if (n->ints[i] == value) return 1;
    return 0;
}

/* A value against a node: NULL when the record must go to Python, else the end of the value;
 * what it breaks is added to `v`. JSON Schema applies each keyword to the kinds of values it is
 * about (`minimum` to numbers, `pattern` to strings, ...) whatever `type` says. */
static const char *check_value(Scanner *sc, Violations *v, int index, const char *p,
                               const char *e, int depth, int *kind_out) {
    if (p >= e || depth > MAX_DEPTH) return NULL;
    const Node *n = &sc->nodes[index];
    unsigned bits = 0;
    int kind;
    int outside_enum = 0; /* the value is not one of the enum's (kind permitting) */
    Str s;
    Num num;
    const char *after;
    switch (*p) {
    case '"':
        kind = KN_STRING;
        if (!(after = scan_string(p, e, &s))) return NULL;
        if (!(n->types & T_STR)) bits |= B_TYPE;
        if (n->has_enum) {
            if (s.escaped) return NULL;
            outside_enum = !string_in_enum(n, &s);
            break;
        }
        if (n->min_len < 0 && n->max_len < 0 && n->dfa1 < 0 && n->dfa2 < 0) break;
        if (s.escaped) return NULL;
        if (n->min_len >= 0 && s.points < n->min_len) bits |= B_MIN_LENGTH;
        if (n->max_len >= 0 && s.points > n->max_len) bits |= B_MAX_LENGTH;
        if (n->dfa1 >= 0 || n->dfa2 >= 0) {
            if (!s.ascii) return NULL;
            if (n->dfa1 >= 0 && !run_dfa(&sc->dfas[n->dfa1], &s)) bits |= B_PATTERN;
            if (n->dfa2 >= 0 && !run_dfa(&sc->dfas[n->dfa2], &s)) {
                int failed = n->format_exact ||
                             (n->format_outer >= 0 && !run_dfa(&sc->dfas[n->format_outer], &s));
                if (!failed) return NULL; /* maybe valid: Python knows */
                bits |= B_FORMAT;
            }
        }
        break;
    case '{':
        kind = KN_OBJECT;
        if (!(n->types & T_OBJ)) bits |= B_TYPE;
        outside_enum = 1;
        if (n->n_fields < 0 || n->has_enum) after = skip_value(p, e, depth);
        else after = check_object(sc, v, index, p, e, depth, NULL, NULL);
        break;
    case '[': {
        kind = KN_ARRAY;
        if (!(n->types & T_ARR)) bits |= B_TYPE;
        outside_enum = 1;
        if (n->has_enum) {
            after = skip_value(p, e, depth);
            break;
        }
        Py_ssize_t count = 0;
        p = skip_ws(p + 1, e);
        if (p < e && *p == ']') {
            p++;
        } else {
            for (;;) {
                v->in_array++;
                p = n->items >= 0 ? check_value(sc, v, n->items, p, e, depth + 1, NULL)
                                  : skip_value(p, e, depth + 1);
                v->in_array--;
                if (!p) return NULL;
                count++;
                p = skip_ws(p, e);
                if (p >= e) return NULL;
                if (*p == ',') {
                    p = skip_ws(p + 1, e);
                    continue;
                }
                if (*p != ']') return NULL;
                p++;
                break;
            }
        }
        if (n->min_items >= 0 && count < n->min_items) bits |= B_MIN_ITEMS;
        if (n->max_items >= 0 && count > n->max_items) bits |= B_MAX_ITEMS;
        after = p;
        break;
    }
    case 't':
    case 'f':
        kind = KN_BOOLEAN;
        if (!(after = *p == 't' ? literal(p, e, "true", 4) : literal(p, e, "false", 5)))
            return NULL;
        if (!(n->types & T_BOOL)) bits |= B_TYPE;
        outside_enum = 1; /* enums hold strings, integers and null only */
        break;
    case 'n':
        kind = KN_NULL;
        if (!(after = literal(p, e, "null", 4))) return NULL;
        if (!(n->types & T_NULL)) bits |= B_TYPE;
        outside_enum = !n->enum_null;
        break;
    default:
        kind = KN_NUMBER;
        if (!(after = scan_number(p, e, &num))) return NULL;
        int bounded = n->has_min || n->has_max || n->has_xmin || n->has_xmax;
        if (num.integral_literal) {
            if (!(n->types & (T_INT | T_NUM))) bits |= B_TYPE;
            if (!num.is_int) {
                /* an integer too large to compare here */
                if (n->has_enum || bounded || n->multiple_of) return NULL;
                break;
            }
            if (n->has_enum) {
                outside_enum = !int_in_enum(n, num.ivalue);
                break;
            }
            if (bounded) {
                if (num.ivalue > EXACT_INT || num.ivalue < -EXACT_INT) return NULL;
                bits |= bounds_failed(n, num.dvalue);
            }
            if (n->multiple_of && num.ivalue % n->multiple_of != 0) bits |= B_MULTIPLE_OF;
            break;
        }
        /* A fraction or exponent: a float. One with an integral value is an integer to JSON
         * Schema and equal to an integer enum value: Python decides those. */
        int integral = num.dvalue == floor(num.dvalue);
        if (!(n->types & T_NUM)) {
            if (integral && (n->types & T_INT)) return NULL;
            bits |= B_TYPE;
        }
        if (n->has_enum) {
            if (integral) return NULL;
            outside_enum = 1;
            break;
        }
        if (n->multiple_of) return NULL;
        bits |= bounds_failed(n, num.dvalue);
        break;
    }
    if (n->has_enum && outside_enum) {
        /* The enum holds the values that pass every keyword. Outside it, only a node with
         * nothing but `type` and `enum` tells which keywords fail. */
        if (!n->enum_exact) return NULL;
        bits |= B_ENUM;
    }
    if (bits && !violation(v, index, bits, kind, 0)) return NULL;
    if (kind_out) *kind_out = kind;
    return after;
}

/* -- the message envelope --------------------------------------------------------------------- */

enum {
    F_TYPE, F_EVENT, F_NAME, F_MESSAGE_ID, F_USER_ID, F_ANONYMOUS_ID, F_GROUP_ID, F_PREVIOUS_ID,
    F_TIMESTAMP, F_SENT_AT, F_ORIGINAL_TIMESTAMP, F_RECEIVED_AT, F_PROPERTIES, F_TRAITS,
    F_CONTEXT, F_INTEGRATIONS, F_COUNT, F_BATCH = -2, F_OTHER = -1
};

static const struct {
    const char *name;
    int field;
} ENVELOPE[] = {
    {"type", F_TYPE}, {"event", F_EVENT}, {"name", F_NAME}, {"messageId", F_MESSAGE_ID},
    {"userId", F_USER_ID}, {"anonymousId", F_ANONYMOUS_ID}, {"groupId", F_GROUP_ID},
    {"previousId", F_PREVIOUS_ID}, {"timestamp", F_TIMESTAMP}, {"sentAt", F_SENT_AT},
    {"originalTimestamp", F_ORIGINAL_TIMESTAMP}, {"receivedAt", F_RECEIVED_AT},
    {"properties", F_PROPERTIES}, {"traits", F_TRAITS}, {"context", F_CONTEXT},
    {"integrations", F_INTEGRATIONS}, {"batch", F_BATCH},
};

static Py_ssize_t ENVELOPE_LENGTHS[sizeof ENVELOPE / sizeof ENVELOPE[0]];

static int envelope_field(const Str *key) {
    if (key->len < 4 || key->len > 17) return F_OTHER;
    for (size_t i = 0; i < sizeof ENVELOPE / sizeof ENVELOPE[0]; i++) {
        if (ENVELOPE_LENGTHS[i] == key->len && key->start[0] == ENVELOPE[i].name[0] &&
            memcmp(ENVELOPE[i].name, key->start, key->len) == 0)
            return ENVELOPE[i].field;
    }
    return F_OTHER;
}

typedef struct {
    const char *start[F_COUNT];
    const char *end[F_COUNT];
    Str str[F_COUNT]; /* for string values */
} Spans;

/* The string at a span: 1 if it is one, 0 if not. */
static inline int span_string(const Spans *sp, int field, Str *s) {
    const char *p = sp->start[field];
    if (!p || *p != '"') return 0;
    *s = sp->str[field];
    return 1;
}

static int nonempty_string_or_absent(const Spans *sp, int field) {
    Str s;
    if (!sp->start[field]) return 1;
    return span_string(sp, field, &s) && s.len > 0;
}

/* 1: a non-empty string; 0: absent or null; -1: anything else. */
static int identity(const Spans *sp, int field) {
    Str s;
    const char *p = sp->start[field];
    if (!p || *p == 'n') return 0; /* a span starting with n is the literal null */
    return span_string(sp, field, &s) && s.len > 0 ? 1 : -1;
}

static int object_or_absent(const Spans *sp, int field) {
    return !sp->start[field] || *sp->start[field] == '{';
}

/* A date-time (checked already) with `T` after the date and `Z` last: see surely_no_skew. */
static int canonical_utc(const Str *s) {
    return s->len >= 20 && s->start[10] == 'T' && s->start[s->len - 1] == 'Z';
}

static int is_date_time(Scanner *sc, const Str *s) {
    return !s->escaped && s->ascii && run_dfa(&sc->dfas[sc->date_time], s);
}

static int find_route(Scanner *sc, int kind, const char *name, Py_ssize_t len) {
    uint64_t h = hash_bytes(name, len, (uint64_t)kind);
    for (Py_ssize_t i = (Py_ssize_t)(h & sc->route_mask);; i = (i + 1) & sc->route_mask) {
        int slot = sc->route_table[i];
        if (!slot) return -1;
        const Route *r = &sc->routes[slot - 1];
        if (r->kind == kind && r->name_len == len && memcmp(r->name, name, len) == 0)
            return slot - 1;
    }
}

static Py_ssize_t seen_find(Scanner *sc, uint64_t h, const char *data, Py_ssize_t len) {
    for (Py_ssize_t i = (Py_ssize_t)(h & sc->slot_mask);; i = (i + 1) & sc->slot_mask) {
        const Slot *slot = &sc->slots[i];
        if (!slot->ring) return -1;
        if (slot->hash != (uint32_t)h) continue;
        const Seen *s = &sc->ring[slot->ring - 1];
        if (s->hash == h && s->len == (uint32_t)len && memcmp(seen_bytes(s), data, len) == 0)
            return i;
    }
}

/* Empty slot i, moving later entries of its cluster back (linear probing without tombstones). */
static void seen_remove_slot(Scanner *sc, Py_ssize_t i) {
    Py_ssize_t mask = sc->slot_mask;
    for (;;) {
        Py_ssize_t j = i;
        for (;;) {
            j = (j + 1) & mask;
            if (!sc->slots[j].ring) {
                sc->slots[i].ring = 0;
                return;
            }
            Py_ssize_t home = (Py_ssize_t)(sc->slots[j].hash & mask);
            /* the entry at j may move to i unless its home lies cyclically in (i, j] */
            int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) break;
        }
        sc->slots[i] = sc->slots[j];
        sc->ring[sc->slots[i].ring - 1].slot = (uint32_t)i;
        i = j;
    }
}

/* Add an id known to be absent; forget the oldest when the window is full. */
static int seen_add(Scanner *sc, uint64_t h, const char *data, Py_ssize_t len) {
    char *heap = NULL;
    if (len > INLINE_ID) {
        if (!(heap = PyMem_Malloc(len))) return -1;
        memcpy(heap, data, len);
    }
    if (sc->ring_count == sc->window) {
        Seen *old = &sc->ring[sc->ring_head];
        seen_remove_slot(sc, (Py_ssize_t)old->slot);
        PyMem_Free(old->heap);
        old->heap = NULL;
        sc->ring_head = (sc->ring_head + 1) % sc->window;
        sc->ring_count--;
    }
    Py_ssize_t at = (sc->ring_head + sc->ring_count) % sc->window;
    Seen *entry = &sc->ring[at];
    entry->hash = h;
    entry->len = (uint32_t)len;
    entry->heap = heap;
    if (!heap) memcpy(entry->data, data, len);
    sc->ring_count++;
    Py_ssize_t i = (Py_ssize_t)(h & sc->slot_mask);
    while (sc->slots[i].ring) i = (i + 1) & sc->slot_mask;
    sc->slots[i].hash = (uint32_t)h;
    sc->slots[i].ring = (uint32_t)(at + 1);
    entry->slot = (uint32_t)i;
    return 0;
}

static int message_kind(const Spans *sp) {
    Str type;
    if (!span_string(sp, F_TYPE, &type) || type.escaped) return -1;
#define IS(lit) (type.len == (Py_ssize_t)sizeof(lit) - 1 && memcmp(type.start, lit, type.len) == 0)
    if (IS("track")) return K_TRACK;
    if (IS("identify")) return K_IDENTIFY;
    if (IS("page")) return K_PAGE;
    if (IS("screen")) return K_SCREEN;
    if (IS("group")) return K_GROUP;
#undef IS
    return -1;
}

/* The route of a message with this kind, or -1 (unplanned, or a name Python must read). */
static int message_route(Scanner *sc, const Spans *sp, int kind) {
    Str name;
    if (kind == K_TRACK || kind == K_PAGE || kind == K_SCREEN) {
        if (!span_string(sp, kind == K_TRACK ? F_EVENT : F_NAME, &name) || name.escaped)
            return -1;
        return find_route(sc, kind, name.start, name.len);
    }
    return find_route(sc, kind, "", 0);
}

static inline int payload_field(int kind) {
    return (kind == K_IDENTIFY || kind == K_GROUP) ? F_TRAITS : F_PROPERTIES;
}

/* The route's name for a message, or 0 when Python must read it (missing, escaped). */
static int route_name(const Spans *sp, int kind, Str *name) {
    if (kind == K_IDENTIFY || kind == K_GROUP) {
        name->start = "";
        name->len = 0;
        return 1;
    }
    return span_string(sp, kind == K_TRACK ? F_EVENT : F_NAME, name) && !name->escaped;
}

/* A signature: 'R', the route and the number of violations (int32), their words, then the keys of the B_UNPLANNED
 * ones; or 'U', the kind, and the name of a call the plan does not list. Records with the same
 * signature get the same report. */
static void sign_route(Scanner *sc, int route, const Violations *v) {
    int32_t head[2] = {route, v->count};
    sc->signature[0] = 'R';
    memcpy(sc->signature + 1, head, sizeof head);
    Py_ssize_t words = (Py_ssize_t)v->count * VIOLATION_WORDS * (Py_ssize_t)sizeof(int32_t);
    char *at = sc->signature + 1 + sizeof head;
    memcpy(at, v->words, words);
    at += words;
    for (int i = 0; i < v->count; i++) {
        const int32_t *w = &v->words[i * VIOLATION_WORDS];
        if (w[1] == B_UNPLANNED) {
            memcpy(at, v->keys[i], w[3]);
            at += w[3];
        }
    }
    sc->signature_len = at - sc->signature;
}

static void sign_unplanned(Scanner *sc, int kind, const Str *name) {
    sc->signature[0] = 'U';
    sc->signature[1] = (char)('0' + kind);
    memcpy(sc->signature + 2, name->start, name->len);
    sc->signature_len = 2 + name->len;
}

enum { HANDED_BACK = 0, ACCEPTED = 1, EXPLAINED = 2 };

static Settled *find_settled(Scanner *sc, const char *data, Py_ssize_t len, uint64_t h) {
    if (!sc->settled_slots) return NULL;
    for (Py_ssize_t i = (Py_ssize_t)(h & sc->settled_mask);; i = (i + 1) & sc->settled_mask) {
        Py_ssize_t slot = sc->settled_slots[i];
        if (!slot) return NULL;
        Settled *s = &sc->settled[slot - 1];
        if (s->hash == h && s->len == len && memcmp(s->data, data, len) == 0) return s;
    }
}

/* ACCEPTED (valid, nothing to report: counted), EXPLAINED (its violations are in
 * sc->signature), HANDED_BACK (Python decides), or -1 (out of memory). */
static int accept_line(Scanner *sc, const char *p, const char *e) {
    if (e - p > MAX_MESSAGE_BYTES) return HANDED_BACK;
    Spans sp;
    memset(sp.start, 0, sizeof sp.start);
    Violations v;
    v.count = v.in_array = 0;
    unsigned char kinds[MAX_FIELDS];
    /* The payload and context are checked as they are met when the route is already known
     * (type and event come first in most messages), else after the whole envelope is read. */
    int early_route = -1, payload_done = 0, context_done = 0;
    uint64_t present = 0, id_hash = 0;
    /* The duplicate index is larger than the caches: start loading the slots this record will
     * touch (the oldest id's, and its own once its id is read) while the rest is parsed. */
    if (sc->window > 0 && sc->ring_count == sc->window)
        PREFETCH(&sc->slots[sc->ring[sc->ring_head].slot]);
    p = skip_ws(p, e);
    if (p >= e || *p != '{') return HANDED_BACK;
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}') return HANDED_BACK;
    for (;;) {
        Str key;
        if (p >= e || *p != '"' || !(p = scan_string(p, e, &key)) || key.escaped)
            return HANDED_BACK;
        p = skip_ws(p, e);
        if (p >= e || *p != ':') return HANDED_BACK;
        p = skip_ws(p + 1, e);
        int field = envelope_field(&key);
        if (field == F_BATCH) return HANDED_BACK;
        const char *start = p;
        if ((field == F_PROPERTIES || field == F_TRAITS || field == F_CONTEXT) && *p == '{') {
            if (early_route < 0) {
                int kind = message_kind(&sp);
                if (kind >= 0) early_route = message_route(sc, &sp, kind);
            }
            const Route *r = early_route >= 0 ? &sc->routes[early_route] : NULL;
            if (r && r->payload == PYTHON_DECIDES) return HANDED_BACK;
            if (r && field == payload_field(r->kind) && r->payload >= 0) {
                p = check_object(sc, &v, r->payload, p, e, 1, &present, kinds);
                payload_done = 1;
            } else if (r && field == F_CONTEXT && r->context >= 0) {
                p = check_object(sc, &v, r->context, p, e, 1, NULL, NULL);
                context_done = 1;
            } else {
                p = skip_value(p, e, 1);
            }
        } else if (field >= 0 && *p == '"') {
            p = scan_string(p, e, &sp.str[field]);
            if (field == F_MESSAGE_ID && p && sc->window > 0) {
                id_hash = hash_bytes(sp.str[field].start, sp.str[field].len, 0);
                PREFETCH(&sc->slots[id_hash & sc->slot_mask]);
            }
        } else {
            p = skip_value(p, e, 1);
        }
        if (!p) return HANDED_BACK;
        if (field >= 0) {
            if (sp.start[field]) return HANDED_BACK;
            sp.start[field] = start;
            sp.end[field] = p;
        }
        p = skip_ws(p, e);
        if (p >= e) return HANDED_BACK;
        if (*p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        if (*p != '}') return HANDED_BACK;
        p = skip_ws(p + 1, e);
        break;
    }
    if (p != e) return HANDED_BACK;

    /* The envelope: anything wrong or worth a warning goes to Python. */
    Str id, name, ts, sent;
    int kind = message_kind(&sp);
    if (kind < 0) return HANDED_BACK;
    if (!span_string(&sp, F_MESSAGE_ID, &id) || id.escaped || id.points < 1 ||
        id.points > MAX_MESSAGE_ID)
        return HANDED_BACK;
    /* userId or anonymousId: a non-empty string; SDKs send the other one as null */
    int user = identity(&sp, F_USER_ID), anonymous = identity(&sp, F_ANONYMOUS_ID);
    if (user < 0 || anonymous < 0 || (!user && !anonymous)) return HANDED_BACK;
    if (!nonempty_string_or_absent(&sp, F_GROUP_ID) ||
        !nonempty_string_or_absent(&sp, F_PREVIOUS_ID) ||
        !nonempty_string_or_absent(&sp, F_EVENT))
        return HANDED_BACK;
    if (sp.start[F_NAME] && !span_string(&sp, F_NAME, &name)) return HANDED_BACK;
    if (kind == K_GROUP && !sp.start[F_GROUP_ID]) return HANDED_BACK;
    if (sp.start[F_ORIGINAL_TIMESTAMP] || sp.start[F_RECEIVED_AT]) return HANDED_BACK;
    int has_ts = sp.start[F_TIMESTAMP] != NULL, has_sent = sp.start[F_SENT_AT] != NULL;
    if (has_ts) {
        if (!span_string(&sp, F_TIMESTAMP, &ts) || !is_date_time(sc, &ts)) return HANDED_BACK;
        char last = ts.start[ts.len - 1];
        if (last != 'Z' && last != 'z') return HANDED_BACK; /* not UTC: Python warns */
    }
    if (has_sent && (!span_string(&sp, F_SENT_AT, &sent) || !is_date_time(sc, &sent)))
        return HANDED_BACK;
    if (has_ts && has_sent) {
        /* a possible clock skew: Python measures it unless surely_no_skew in envelope.py
         * holds, which this tests the same way, on the same assumption */
        if (!canonical_utc(&ts) || !canonical_utc(&sent)) return HANDED_BACK;
        Py_ssize_t shorter = ts.len < sent.len ? ts.len : sent.len;
        int order = memcmp(sent.start, ts.start, shorter);
        if (order < 0 || (order == 0 && sent.len < ts.len)) return HANDED_BACK;
        if (memcmp(sent.start, ts.start, 10) != 0) return HANDED_BACK;
    }
    if (!object_or_absent(&sp, F_PROPERTIES) || !object_or_absent(&sp, F_TRAITS) ||
        !object_or_absent(&sp, F_CONTEXT) || !object_or_absent(&sp, F_INTEGRATIONS))
        return HANDED_BACK;

    Str routed;
    if (!route_name(&sp, kind, &routed)) return HANDED_BACK;
    int route = find_route(sc, kind, routed.start, routed.len);
    Route *r = NULL;
    if (route >= 0) {
        if (early_route >= 0 && route != early_route) return HANDED_BACK;
        r = &sc->routes[route];
        if (r->payload == PYTHON_DECIDES) return HANDED_BACK;
        int payload = payload_field(kind);
        if (sp.start[payload]) {
            if (!payload_done && r->payload >= 0 &&
                !check_object(sc, &v, r->payload, sp.start[payload], sp.end[payload], 1, &present,
                              kinds))
                return HANDED_BACK;
        } else if (r->payload_required) {
            return HANDED_BACK;
        }
        if (sp.start[F_CONTEXT]) {
            if (!context_done && r->context >= 0 &&
                !check_object(sc, &v, r->context, sp.start[F_CONTEXT], sp.end[F_CONTEXT], 1,
                              NULL, NULL))
                return HANDED_BACK;
        } else if (r->context_required) {
            return HANDED_BACK;
        }
    }

    if (sc->window > 0) {
        if (seen_find(sc, id_hash, id.start, id.len) >= 0) return HANDED_BACK; /* Python warns */
        if (seen_add(sc, id_hash, id.start, id.len) < 0) return -1;
    }
    if (!r) {
        sign_unplanned(sc, kind, &routed);
        return EXPLAINED;
    }
    if (v.count == 0) {
        r->records++;
        for (Py_ssize_t i = 0; i < r->n_fields; i++) {
            if (present & ((uint64_t)1 << i)) {
                r->present[i]++;
                r->kinds[i * KN_COUNT + kinds[i]]++;
            }
        }
        return ACCEPTED;
    }
    r->explained++;
    for (Py_ssize_t i = 0; i < r->n_fields; i++) {
        if (present & ((uint64_t)1 << i)) {
            r->explained_present[i]++;
            r->explained_kinds[i * KN_COUNT + kinds[i]]++;
        }
    }
    sign_route(sc, route, &v);
    return EXPLAINED;
}

/* -- the Python type ---------------------------------------------------------------------------- */

static void scanner_clear(Scanner *sc) {
    for (Py_ssize_t i = 0; i < sc->n_nodes; i++) {
        Node *n = &sc->nodes[i];
        for (Py_ssize_t j = 0; j < n->n_strs; j++) PyMem_Free(n->strs[j]);
        PyMem_Free(n->strs);
        PyMem_Free(n->str_lens);
        PyMem_Free(n->ints);
        for (Py_ssize_t j = 0; j < n->n_fields; j++) PyMem_Free(n->fields[j].key);
        PyMem_Free(n->fields);
    }
    PyMem_Free(sc->nodes);
    sc->nodes = NULL;
    sc->n_nodes = 0;
    for (Py_ssize_t i = 0; i < sc->n_dfas; i++) {
        PyMem_Free(sc->dfas[i].next);
        PyMem_Free(sc->dfas[i].accepting);
    }
    PyMem_Free(sc->dfas);
    sc->dfas = NULL;
    sc->n_dfas = 0;
    for (Py_ssize_t i = 0; i < sc->n_routes; i++) {
        PyMem_Free(sc->routes[i].name);
        PyMem_Free(sc->routes[i].present);
        PyMem_Free(sc->routes[i].kinds);
        PyMem_Free(sc->routes[i].explained_present);
        PyMem_Free(sc->routes[i].explained_kinds);
    }
    PyMem_Free(sc->routes);
    sc->routes = NULL;
    sc->n_routes = 0;
    PyMem_Free(sc->route_table);
    sc->route_table = NULL;
    if (sc->ring) {
        for (Py_ssize_t i = 0; i < sc->window; i++) PyMem_Free(sc->ring[i].heap);
    }
    PyMem_Free(sc->ring);
    sc->ring = NULL;
    PyMem_Free(sc->slots);
    sc->slots = NULL;
    for (Py_ssize_t i = 0; i < sc->n_settled; i++) PyMem_Free(sc->settled[i].data);
    PyMem_Free(sc->settled);
    PyMem_Free(sc->settled_slots);
    sc->settled = NULL;
    sc->settled_slots = NULL;
    sc->n_settled = sc->settled_capacity = 0;
}

static void Scanner_dealloc(Scanner *sc) {
    scanner_clear(sc);
    Py_TYPE(sc)->tp_free((PyObject *)sc);
}

static char *copy_bytes(PyObject *obj, Py_ssize_t *len) {
    char *data;
    if (PyBytes_AsStringAndSize(obj, &data, len) < 0) return NULL;
    char *copy = PyMem_Malloc(*len ? *len : 1);
    if (!copy) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, data, *len);
    return copy;
}

static int optional_double(PyObject *obj, int *has, double *value) {
    if (obj == Py_None) {
        *has = 0;
        return 0;
    }
    *has = 1;
    *value = PyFloat_AsDouble(obj);
    return (*value == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* A node: (types, enum, min_len, max_len, dfa1, dfa2, minimum, maximum, exclusive_minimum,
 * exclusive_maximum, multiple_of, items, min_items, max_items, fields, forbid_unknown,
 * enum_exact, format_exact, format_outer), where
 * enum is None or (strs: tuple[bytes], ints: tuple[int], null: bool) and fields is None (any
 * object) or a tuple of (key: bytes, node: int, required: bool). */
static int load_node(Scanner *sc, Node *n, PyObject *spec) {
    PyObject *enum_spec, *bounds[4], *fields;
    if (!PyArg_ParseTuple(spec, "iOnniiOOOOLinnOpppi", &n->types, &enum_spec, &n->min_len,
                          &n->max_len, &n->dfa1, &n->dfa2, &bounds[0], &bounds[1], &bounds[2],
                          &bounds[3], &n->multiple_of, &n->items, &n->min_items, &n->max_items,
                          &fields, &n->forbid_unknown, &n->enum_exact, &n->format_exact,
                          &n->format_outer))
        return -1;
    if (n->dfa1 >= sc->n_dfas || n->dfa2 >= sc->n_dfas || n->format_outer >= sc->n_dfas ||
        n->items >= sc->n_nodes) {
        PyErr_SetString(PyExc_ValueError, "a node refers to a missing node or DFA");
        return -1;
    }
    if (optional_double(bounds[0], &n->has_min, &n->min) < 0 ||
        optional_double(bounds[1], &n->has_max, &n->max) < 0 ||
        optional_double(bounds[2], &n->has_xmin, &n->xmin) < 0 ||
        optional_double(bounds[3], &n->has_xmax, &n->xmax) < 0)
        return -1;
    if (enum_spec != Py_None) {
        PyObject *strs, *ints;
        if (!PyArg_ParseTuple(enum_spec, "O!O!p", &PyTuple_Type, &strs, &PyTuple_Type, &ints,
                              &n->enum_null))
            return -1;
        n->has_enum = 1;
        n->strs = PyMem_Calloc(PyTuple_GET_SIZE(strs) + 1, sizeof(char *));
        n->str_lens = PyMem_Calloc(PyTuple_GET_SIZE(strs) + 1, sizeof(Py_ssize_t));
        n->ints = PyMem_Calloc(PyTuple_GET_SIZE(ints) + 1, sizeof(long long));
        if (!n->strs || !n->str_lens || !n->ints) {
            PyErr_NoMemory();
            return -1;
        }
        n->n_strs = PyTuple_GET_SIZE(strs);
        for (Py_ssize_t i = 0; i < n->n_strs; i++)
            if (!(n->strs[i] = copy_bytes(PyTuple_GET_ITEM(strs, i), &n->str_lens[i]))) return -1;
        n->n_ints = PyTuple_GET_SIZE(ints);
        for (Py_ssize_t i = 0; i < n->n_ints; i++) {
            n->ints[i] = PyLong_AsLongLong(PyTuple_GET_ITEM(ints, i));
            if (n->ints[i] == -1 && PyErr_Occurred()) return -1;
        }
    }
    n->n_fields = -1;
    if (fields != Py_None) {
        if (!PyTuple_Check(fields) || PyTuple_GET_SIZE(fields) > MAX_FIELDS) {
            PyErr_SetString(PyExc_ValueError, "fields must be a tuple of at most 64 fields");
            return -1;
        }
        Py_ssize_t count = PyTuple_GET_SIZE(fields);
        n->fields = PyMem_Calloc(count + 1, sizeof(Field));
        if (!n->fields) {
            PyErr_NoMemory();
            return -1;
        }
        n->n_fields = 0;
        for (Py_ssize_t i = 0; i < count; i++) {
            PyObject *key;
            int node, required;
            if (!PyArg_ParseTuple(PyTuple_GET_ITEM(fields, i), "O!ip", &PyBytes_Type, &key,
                                  &node, &required))
                return -1;
            if (node < 0 || node >= sc->n_nodes) {
                PyErr_SetString(PyExc_ValueError, "a field refers to a missing node");
                return -1;
            }
            Field *f = &n->fields[i];
            if (!(f->key = copy_bytes(key, &f->len))) return -1;
            f->node = node;
            n->n_fields = i + 1;
            if (required) n->required |= (uint64_t)1 << i;
        }
    }
    return 0;
}

static int load_dfa(Dfa *d, PyObject *spec) {
    Py_buffer next, accepting;
    if (!PyArg_ParseTuple(spec, "y*y*i", &next, &accepting, &d->start)) return -1;
    int ok = accepting.len > 0 && next.len == accepting.len * 128 * (Py_ssize_t)sizeof(int32_t) &&
             d->start >= 0 && d->start < accepting.len;
    if (ok) {
        d->states = accepting.len;
        d->next = PyMem_Malloc(next.len);
        d->accepting = PyMem_Malloc(accepting.len);
        if (d->next && d->accepting) {
            memcpy(d->next, next.buf, next.len);
            memcpy(d->accepting, accepting.buf, accepting.len);
            for (Py_ssize_t i = 0; i < d->states * 128; i++)
                if (d->next[i] < -1 || d->next[i] >= d->states) ok = 0;
        } else {
            PyErr_NoMemory();
        }
    }
    PyBuffer_Release(&next);
    PyBuffer_Release(&accepting);
    if (PyErr_Occurred()) return -1;
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "a DFA's tables do not fit together");
        return -1;
    }
    return 0;
}

/* A route: (kind, name: bytes, payload node, payload required, context node, context required,
 * presence fields); payload node -1 for any object, -2 when Python decides every record. */
static int load_route(Scanner *sc, Route *r, PyObject *spec) {
    PyObject *name;
    if (!PyArg_ParseTuple(spec, "iO!ipipn", &r->kind, &PyBytes_Type, &name, &r->payload,
                          &r->payload_required, &r->context, &r->context_required, &r->n_fields))
        return -1;
    if (r->payload >= sc->n_nodes || r->payload < PYTHON_DECIDES || r->context >= sc->n_nodes ||
        r->context < -1 || r->n_fields < 0 || r->n_fields > MAX_FIELDS) {
        PyErr_SetString(PyExc_ValueError, "a route refers to a missing node");
        return -1;
    }
    if ((r->payload >= 0 && sc->nodes[r->payload].n_fields != r->n_fields) ||
        (r->context >= 0 && sc->nodes[r->context].n_fields < 0)) {
        PyErr_SetString(PyExc_ValueError, "a route's payload or context is not its object node");
        return -1;
    }
    if (!(r->name = copy_bytes(name, &r->name_len))) return -1;
    r->present = PyMem_Calloc(r->n_fields + 1, sizeof(long long));
    r->kinds = PyMem_Calloc((r->n_fields + 1) * KN_COUNT, sizeof(long long));
    r->explained_present = PyMem_Calloc(r->n_fields + 1, sizeof(long long));
    r->explained_kinds = PyMem_Calloc((r->n_fields + 1) * KN_COUNT, sizeof(long long));
    if (!r->present || !r->kinds || !r->explained_present || !r->explained_kinds) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static Py_ssize_t table_size(Py_ssize_t count) {
    Py_ssize_t size = 8;
    while (size < count * 2) size *= 2;
    return size;
}

static int Scanner_init(Scanner *sc, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"nodes", "dfas", "routes", "date_time", "window", NULL};
    PyObject *nodes, *dfas, *routes;
    int date_time;
    Py_ssize_t window;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O!O!in", keywords, &PyList_Type, &nodes,
                                     &PyList_Type, &dfas, &PyList_Type, &routes, &date_time,
                                     &window))
        return -1;
    scanner_clear(sc);
    sc->n_dfas = PyList_GET_SIZE(dfas);
    sc->dfas = PyMem_Calloc(sc->n_dfas + 1, sizeof(Dfa));
    if (!sc->dfas) goto nomemory;
    for (Py_ssize_t i = 0; i < sc->n_dfas; i++)
        if (load_dfa(&sc->dfas[i], PyList_GET_ITEM(dfas, i)) < 0) goto fail;
    if (date_time < 0 || date_time >= sc->n_dfas) {
        PyErr_SetString(PyExc_ValueError, "date_time must name a DFA");
        goto fail;
    }
    sc->date_time = date_time;
    sc->n_nodes = PyList_GET_SIZE(nodes);
    sc->nodes = PyMem_Calloc(sc->n_nodes + 1, sizeof(Node));
    if (!sc->nodes) goto nomemory;
    for (Py_ssize_t i = 0; i < sc->n_nodes; i++)
        if (load_node(sc, &sc->nodes[i], PyList_GET_ITEM(nodes, i)) < 0) goto fail;
    Py_ssize_t n_routes = PyList_GET_SIZE(routes);
    sc->routes = PyMem_Calloc(n_routes + 1, sizeof(Route));
    Py_ssize_t size = table_size(n_routes);
    sc->route_table = PyMem_Calloc(size, sizeof(int));
    if (!sc->routes || !sc->route_table) goto nomemory;
    sc->route_mask = size - 1;
    for (Py_ssize_t i = 0; i < n_routes; i++) {
        Route *r = &sc->routes[i];
        sc->n_routes = i + 1;
        if (load_route(sc, r, PyList_GET_ITEM(routes, i)) < 0) goto fail;
        if (find_route(sc, r->kind, r->name, r->name_len) >= 0) {
            PyErr_SetString(PyExc_ValueError, "two routes have the same key");
            goto fail;
        }
        uint64_t h = hash_bytes(r->name, r->name_len, (uint64_t)r->kind);
        Py_ssize_t at = (Py_ssize_t)(h & sc->route_mask);
        while (sc->route_table[at]) at = (at + 1) & sc->route_mask;
        sc->route_table[at] = (int)i + 1;
    }
    if (window < 0) window = 0;
    if (window > 0x3FFFFFFF) {
        PyErr_SetString(PyExc_ValueError, "the duplicate window is too large");
        goto fail;
    }
    sc->window = window;
    sc->ring_head = sc->ring_count = 0;
    if (window > 0) {
        Py_ssize_t slots = table_size(window);
        sc->ring = PyMem_Calloc(window, sizeof(Seen));
        sc->slots = PyMem_Calloc(slots, sizeof(Slot));
        if (!sc->ring || !sc->slots) goto nomemory;
        sc->slot_mask = slots - 1;
    }
    return 0;
nomemory:
    PyErr_NoMemory();
fail:
    scanner_clear(sc);
    return -1;
}

PyDoc_STRVAR(scan_doc,
"scan(buffer, pos) -> (next, lines, records, start, end, signature)\n\n"
"Check the lines of `buffer` from `pos` on. Valid records with nothing to report are counted\n"
"and passed over; the scan stops after the first other line, whose record is\n"
"buffer[start:end] (start -1: none, the buffer is done). `signature` is None when Python must\n"
"judge the record, else bytes that name what it breaks: records with the same signature get\n"
"the same findings. `lines` counts the lines passed (blank ones too) and `records` the\n"
"non-blank ones, including the one returned.");

static PyObject *Scanner_scan(Scanner *sc, PyObject *args) {
    Py_buffer buffer;
    Py_ssize_t pos, lines = 0, records = 0, start = -1, end = -1;
    int verdict = ACCEPTED;
    if (!sc->nodes && !sc->dfas) {
        PyErr_SetString(PyExc_RuntimeError, "the scanner is not initialised");
        return NULL;
    }
    PyObject *data;
    if (!PyArg_ParseTuple(args, "O!n", &PyBytes_Type, &data, &pos)) return NULL;
    if (PyObject_GetBuffer(data, &buffer, PyBUF_SIMPLE) < 0) return NULL;
    const char *base = buffer.buf;
    Py_ssize_t size = buffer.len;
    if (pos < 0) pos = 0;
    while (pos < size) {
        const char *line = base + pos;
        const char *newline = memchr(line, '\n', size - pos);
        Py_ssize_t stop = newline ? newline - base : size;
        Py_ssize_t next = newline ? stop + 1 : size;
        Py_ssize_t content = stop;
        while (content > pos && (base[content - 1] == '\r' || base[content - 1] == '\n'))
            content--;
        lines++;
        Py_ssize_t i = pos;
        while (i < content && (base[i] == ' ' || base[i] == '\t' || base[i] == '\r' ||
                               base[i] == '\n' || base[i] == '\v' || base[i] == '\f'))
            i++;
        if (i == content) {
            pos = next;
            continue;
        }
        records++;
        verdict = accept_line(sc, line, base + content);
        if (verdict < 0) {
            PyBuffer_Release(&buffer);
            return PyErr_NoMemory();
        }
        if (verdict == EXPLAINED && sc->n_settled) {
            Settled *known = find_settled(sc, sc->signature, sc->signature_len,
                                          hash_bytes(sc->signature, sc->signature_len, 7));
            if (known) {
                known->count++;
                verdict = ACCEPTED;
                pos = next;
                continue;
            }
        }
        if (verdict != ACCEPTED) {
            start = pos;
            end = content;
            pos = next;
            break;
        }
        pos = next;
    }
    PyBuffer_Release(&buffer);
    if (verdict == EXPLAINED)
        return Py_BuildValue("nnnnny#", pos, lines, records, start, end, sc->signature,
                             sc->signature_len);
    return Py_BuildValue("nnnnnO", pos, lines, records, start, end, Py_None);
}

PyDoc_STRVAR(seen_doc,
"seen(message_id: bytes) -> bool\n\n"
"True when the id is among the last `window` distinct ids; otherwise remember it.");

static PyObject *Scanner_seen(Scanner *sc, PyObject *arg) {
    char *data;
    Py_ssize_t len;
    if (PyBytes_AsStringAndSize(arg, &data, &len) < 0) return NULL;
    if (sc->window <= 0) Py_RETURN_FALSE;
    uint64_t h = hash_bytes(data, len, 0);
    if (seen_find(sc, h, data, len) >= 0) Py_RETURN_TRUE;
    if (seen_add(sc, h, data, len) < 0) return PyErr_NoMemory();
    Py_RETURN_FALSE;
}

PyDoc_STRVAR(counts_doc,
"counts() -> list[tuple[int, tuple[int, ...], tuple[int, ...], int, tuple[int, ...],\n"
"tuple[int, ...]]]\n\n"
"Per route: the records accepted, how many of them carried each payload field, and per field\n"
"and kind (null, boolean, number, string, array, object) how many had a value of that kind;\n"
"then the same three for the records explained.");

static PyObject *long_tuple(const long long *values, Py_ssize_t count) {
    PyObject *tuple = PyTuple_New(count);
    if (!tuple) return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyLong_FromLongLong(values[i]);
        if (!value) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, value);
    }
    return tuple;
}

static PyObject *Scanner_counts(Scanner *sc, PyObject *Py_UNUSED(ignored)) {
    PyObject *result = PyList_New(sc->n_routes);
    if (!result) return NULL;
    for (Py_ssize_t i = 0; i < sc->n_routes; i++) {
        const Route *r = &sc->routes[i];
        PyObject *item = Py_BuildValue(
            "(LNNLNN)", r->records, long_tuple(r->present, r->n_fields),
            long_tuple(r->kinds, r->n_fields * KN_COUNT), r->explained,
            long_tuple(r->explained_present, r->n_fields),
            long_tuple(r->explained_kinds, r->n_fields * KN_COUNT));
        if (!item) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, item);
    }
    return result;
}

/* The text of a string scan_string accepted, its escapes undone, in UTF-8 into `out`, which
 * holds at least s->len bytes (undoing escapes never lengthens a text); returns its length. This
 * is how Python sees the string: an id is one text however it is escaped. */
static Py_ssize_t unescape(const Str *s, char *out) {
    const unsigned char *p = (const unsigned char *)s->start, *e = p + s->len;
    char *o = out;
    while (p < e) {
        if (*p != '\\') {
            *o++ = (char)*p++;
            continue;
        }
        unsigned char x = p[1];
        p += 2;
        switch (x) {
        case 'b': *o++ = '\b'; continue;
        case 'f': *o++ = '\f'; continue;
        case 'n': *o++ = '\n'; continue;
        case 'r': *o++ = '\r'; continue;
        case 't': *o++ = '\t'; continue;
        case 'u': break;
        default: *o++ = (char)x; continue; /* the quote, backslash or solidus itself */
        }
        uint32_t v = (uint32_t)hex4(p);
        p += 4;
        if (v >= 0xD800 && v <= 0xDBFF) { /* a pair: scan_string checked its low half */
            v = 0x10000 + ((v - 0xD800) << 10) + ((uint32_t)hex4(p + 2) - 0xDC00);
            p += 6;
        }
        if (v < 0x80) {
            *o++ = (char)v;
        } else if (v < 0x800) {
            *o++ = (char)(0xC0 | (v >> 6));
            *o++ = (char)(0x80 | (v & 0x3F));
        } else if (v < 0x10000) {
            *o++ = (char)(0xE0 | (v >> 12));
            *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
            *o++ = (char)(0x80 | (v & 0x3F));
        } else {
            *o++ = (char)(0xF0 | (v >> 18));
            *o++ = (char)(0x80 | ((v >> 12) & 0x3F));
            *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
            *o++ = (char)(0x80 | (v & 0x3F));
        }
    }
    return o - (char *)out;
}

/* Whether a key is "messageId", however it is escaped. */
static int is_message_id_key(const Str *key) {
    if (!key->escaped) return key->len == 9 && memcmp(key->start, "messageId", 9) == 0;
    char text[64];
    return key->len <= (Py_ssize_t)sizeof text && unescape(key, text) == 9 &&
           memcmp(text, "messageId", 9) == 0;
}

/* The messageId of a line that is a JSON object: its top-level "messageId" string (the last
 * one, if the key comes twice: Python keeps the last). */
static int line_message_id(const char *p, const char *e, Str *id) {
    int found = 0;
    p = skip_ws(p, e);
    if (p >= e || *p != '{') return 0;
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}') return 0;
    for (;;) {
        Str key;
        if (p >= e || *p != '"' || !(p = scan_string(p, e, &key))) return 0;
        p = skip_ws(p, e);
        if (p >= e || *p != ':') return 0;
        p = skip_ws(p + 1, e);
        if (is_message_id_key(&key)) {
            found = p < e && *p == '"';
            p = found ? scan_string(p, e, id) : skip_value(p, e, 1);
        } else {
            p = skip_value(p, e, 1);
        }
        if (!p) return 0;
        p = skip_ws(p, e);
        if (p >= e) return 0;
        if (*p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        return *p == '}' && skip_ws(p + 1, e) == e && found;
    }
}

PyDoc_STRVAR(prime_doc,
"prime(lines) -> int\n\n"
"Remember the messageIds of the lines of `buffer` (the records just before a part of a file\n"
"that another process read), as if their records had been checked; returns how many.");

static PyObject *Scanner_prime(Scanner *sc, PyObject *arg) {
    Py_buffer buffer;
    if (PyObject_GetBuffer(arg, &buffer, PyBUF_SIMPLE) < 0) return NULL;
    /* Strings are scanned up to the next quote, backslash or control byte without checking
     * the end: a buffer that does not end with a line break gets a copy that ends with one. */
    if (buffer.len > 0 && ((const char *)buffer.buf)[buffer.len - 1] != '\n') {
        PyObject *copy = PyBytes_FromStringAndSize(NULL, buffer.len + 1);
        if (!copy) {
            PyBuffer_Release(&buffer);
            return NULL;
        }
        memcpy(PyBytes_AS_STRING(copy), buffer.buf, buffer.len);
        PyBytes_AS_STRING(copy)[buffer.len] = '\n';
        PyBuffer_Release(&buffer);
        PyObject *result = Scanner_prime(sc, copy);
        Py_DECREF(copy);
        return result;
    }
    const char *base = buffer.buf;
    Py_ssize_t size = buffer.len, pos = 0, count = 0;
    while (pos < size && sc->window > 0) {
        const char *newline = memchr(base + pos, '\n', size - pos);
        Py_ssize_t stop = newline ? newline - base : size;
        Str id;
        if (line_message_id(base + pos, base + stop, &id)) {
            /* The id as Python compares it: its text in UTF-8, escapes undone. */
            const char *text = id.start;
            Py_ssize_t len = id.len;
            char inline_text[256], *heap = NULL;
            if (id.escaped) {
                char *out = inline_text;
                if (id.len > (Py_ssize_t)sizeof inline_text && !(out = heap = PyMem_Malloc(id.len))) {
                    PyBuffer_Release(&buffer);
                    return PyErr_NoMemory();
                }
                len = unescape(&id, out);
                text = out;
            }
            uint64_t h = hash_bytes(text, len, 0);
            int failed = seen_find(sc, h, text, len) < 0 && seen_add(sc, h, text, len) < 0;
            PyMem_Free(heap);
            if (failed) {
                PyBuffer_Release(&buffer);
                return PyErr_NoMemory();
            }
            count++;
        }
        pos = newline ? stop + 1 : size;
    }
    PyBuffer_Release(&buffer);
    return PyLong_FromSsize_t(count);
}

PyDoc_STRVAR(settle_doc,
"settle(signature: bytes) -> bool\n\n"
"From now on count the records with this signature here instead of handing them back;\n"
"False when too many signatures are settled already.");

static PyObject *Scanner_settle(Scanner *sc, PyObject *arg) {
    char *data;
    Py_ssize_t len;
    if (PyBytes_AsStringAndSize(arg, &data, &len) < 0) return NULL;
    uint64_t h = hash_bytes(data, len, 7);
    if (find_settled(sc, data, len, h)) Py_RETURN_TRUE;
    if (sc->n_settled >= MAX_SETTLED) Py_RETURN_FALSE;
    if (sc->n_settled == sc->settled_capacity) {
        Py_ssize_t capacity = sc->settled_capacity ? sc->settled_capacity * 2 : 64;
        Py_ssize_t *slots = PyMem_Calloc(capacity * 2, sizeof(Py_ssize_t));
        Settled *grown = PyMem_Realloc(sc->settled, capacity * sizeof(Settled));
        if (!slots || !grown) {
            PyMem_Free(slots);
            if (grown) sc->settled = grown;
            return PyErr_NoMemory();
        }
        sc->settled = grown;
        sc->settled_capacity = capacity;
        PyMem_Free(sc->settled_slots);
        sc->settled_slots = slots;
        sc->settled_mask = capacity * 2 - 1;
        for (Py_ssize_t i = 0; i < sc->n_settled; i++) {
            Py_ssize_t at = (Py_ssize_t)(sc->settled[i].hash & sc->settled_mask);
            while (slots[at]) at = (at + 1) & sc->settled_mask;
            slots[at] = i + 1;
        }
    }
    char *copy = PyMem_Malloc(len ? len : 1);
    if (!copy) return PyErr_NoMemory();
    memcpy(copy, data, len);
    Settled *s = &sc->settled[sc->n_settled++];
    s->hash = h;
    s->data = copy;
    s->len = len;
    s->count = 0;
    Py_ssize_t at = (Py_ssize_t)(h & sc->settled_mask);
    while (sc->settled_slots[at]) at = (at + 1) & sc->settled_mask;
    sc->settled_slots[at] = sc->n_settled;
    Py_RETURN_TRUE;
}

PyDoc_STRVAR(settled_doc,
"settled() -> list[tuple[bytes, int]]: each settled signature and its records counted here.");

static PyObject *Scanner_settled(Scanner *sc, PyObject *Py_UNUSED(ignored)) {
    PyObject *result = PyList_New(sc->n_settled);
    if (!result) return NULL;
    for (Py_ssize_t i = 0; i < sc->n_settled; i++) {
        const Settled *s = &sc->settled[i];
        PyObject *item = Py_BuildValue("(y#L)", s->data, s->len, s->count);
        if (!item) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, item);
    }
    return result;
}

static PyMethodDef Scanner_methods[] = {
    {"settle", (PyCFunction)Scanner_settle, METH_O, settle_doc},
    {"prime", (PyCFunction)Scanner_prime, METH_O, prime_doc},
    {"settled", (PyCFunction)Scanner_settled, METH_NOARGS, settled_doc},
    {"scan", (PyCFunction)Scanner_scan, METH_VARARGS, scan_doc},
    {"seen", (PyCFunction)Scanner_seen, METH_O, seen_doc},
    {"counts", (PyCFunction)Scanner_counts, METH_NOARGS, counts_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(Scanner_doc,
"Scanner(nodes, dfas, routes, date_time, window)\n\n"
"Checks JSON Lines records against tables compiled from a plan; see native.py.");

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tracking_plan.validate._scan.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = Scanner_doc,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
};

/* -- array elements as JSON Lines ------------------------------------------------------------ */

/* Whether a key is `name` (of `len` bytes, less than 64), however it is escaped. */
static int key_is(const Str *key, const char *name, Py_ssize_t len) {
    if (!key->escaped) return key->len == len && memcmp(key->start, name, len) == 0;
    char text[64];
    return key->len <= (Py_ssize_t)sizeof text && unescape(key, text) == len &&
           memcmp(text, name, len) == 0;
}

/* The end of the JSON object at p (a '{'), or NULL when it is not valid JSON (or not whole
 * before e, or beyond what the scanner reads: see skip_value). *batch is set when one of its
 * keys is "batch" (a Segment batch, which Python expands), *sent_at when one is "sentAt". */
static const char *skip_message(const char *p, const char *e, int *batch, int *sent_at) {
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}') return p + 1;
    for (;;) {
        Str key;
        if (p >= e || *p != '"' || !(p = scan_string(p, e, &key))) return NULL;
        *batch |= key_is(&key, "batch", 5);
        *sent_at |= key_is(&key, "sentAt", 6);
        p = skip_ws(p, e);
        if (p >= e || *p != ':') return NULL;
        p = skip_ws(p + 1, e);
        if (!(p = skip_value(p, e, 1))) return NULL;
        p = skip_ws(p, e);
        if (p >= e) return NULL;
        if (*p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        return *p == '}' ? p + 1 : NULL;
    }
}

/* Elements split out of a JSON array, as JSON Lines (see split_elements). `data` is a scratch
 * buffer as long as the text they come from (the elements and a line break between two of them
 * are never longer than the elements and the comma between them), kept from call to call: a
 * fresh megabyte a call, shrunk to its size, leaves the heap full of holes. */
typedef struct {
    char *data;
    Py_ssize_t data_size;
    char *lines;
    Py_ssize_t lines_size, lines_capacity;
    Py_ssize_t count, end;
    long long line_breaks; /* before `end` */
    PyObject *multiline;
    /* (start, closing brace) in `data` of the elements without a "sentAt" key */
    char *unsent;
    Py_ssize_t unsent_size, unsent_capacity;
} Split;

static char *split_scratch;
static Py_ssize_t split_scratch_size;
#define SPLIT_SCRATCH_KEPT (4 << 20) /* a larger scratch buffer is freed after use */

/* A Split for the elements of `text`; -1 when out of memory. */
static int split_start(Split *s, PyObject *text) {
    memset(s, 0, sizeof *s);
    Py_ssize_t size = PyBytes_GET_SIZE(text) + 1;
    if (size > split_scratch_size) {
        PyMem_Free(split_scratch);
        split_scratch_size = 0;
        if (!(split_scratch = PyMem_Malloc(size))) return -1;
        split_scratch_size = size;
    }
    s->data = split_scratch;
    s->multiline = PyList_New(0);
    return s->multiline ? 0 : -1;
}

static void split_free(Split *s) {
    Py_XDECREF(s->multiline);
    PyMem_Free(s->lines);
    PyMem_Free(s->unsent);
    if (split_scratch_size > SPLIT_SCRATCH_KEPT) {
        PyMem_Free(split_scratch);
        split_scratch = NULL;
        split_scratch_size = 0;
    }
}

/* Appends `len` bytes to a growing buffer; -1 when out of memory. */
static int append(char **buffer, Py_ssize_t *size, Py_ssize_t *capacity, const void *data,
                  Py_ssize_t len) {
    if (*size + len > *capacity) {
        Py_ssize_t wanted = *capacity ? 2 * (*capacity + len) : 4096;
        char *grown = PyMem_Realloc(*buffer, wanted);
        if (!grown) return -1;
        *buffer = grown;
        *capacity = wanted;
    }
    memcpy(*buffer + *size, data, len);
    *size += len;
    return 0;
}

/* Whether there is a run of more digits than Python reads into an int at its strictest
 * (sys.set_int_max_str_digits takes 640 at least): such a number fails json.loads. A run that
 * long covers a multiple of 640, so only those bytes are looked at first. */
static int long_digit_run(const char *base, const char *e) {
    for (const char *p = base; p < e; p += 640) {
        if (*p < '0' || *p > '9') continue;
        const char *first = p, *last = p;
        while (first > base && first[-1] >= '0' && first[-1] <= '9') first--;
        while (last + 1 < e && last[1] >= '0' && last[1] <= '9') last++;
        if (last - first + 1 >= 640) return 1;
    }
    return 0;
}

/* Splits the elements from p (in `text`, which starts on line `line`, at base) into s, up to
 * the first element split_elements stops before, or one longer than max_length; returns where
 * it stopped (at that element, after the last one's comma, or at the array's end), NULL when
 * out of memory. */
static const char *split_run(Split *s, const char *base, const char *p, const char *e,
                             long long line, Py_ssize_t max_length) {
    long long breaks = 0;
    const char *counted = base;
    char *out = s->data;
    for (;;) {
        p = skip_ws(p, e);
        if (p >= e || *p != '{') return p;
        int batch = 0, sent_at = 0;
        const char *stop = skip_message(p, e, &batch, &sent_at);
        if (!stop || batch || stop - p > max_length) return p;
        for (const char *q = counted; (q = memchr(q, '\n', p - q)); q++) breaks++;
        long long element_line = line + breaks;
        if (append(&s->lines, &s->lines_size, &s->lines_capacity, &element_line,
                   sizeof element_line) < 0)
            return NULL;
        if (s->count) out[s->data_size++] = '\n';
        char *copy = out + s->data_size;
        memcpy(copy, p, stop - p);
        s->data_size += stop - p;
        if (!sent_at) {
            Py_ssize_t span[2] = {copy - out, s->data_size - 1};
            if (append(&s->unsent, &s->unsent_size, &s->unsent_capacity, span, sizeof span) < 0)
                return NULL;
        }
        Py_ssize_t inner = 0;
        for (char *q = copy; (q = memchr(q, '\n', out + s->data_size - q)); q++) {
            *q = '\r';
            inner++;
        }
        if (inner) {
            PyObject *span = Py_BuildValue("nnn", s->count, p - base, stop - base);
            if (!span) return NULL;
            int failed = PyList_Append(s->multiline, span);
            Py_DECREF(span);
            if (failed < 0) return NULL;
        }
        breaks += inner;
        s->line_breaks = breaks;
        counted = stop;
        s->count++;
        s->end = stop - base;
        p = skip_ws(stop, e);
        if (p >= e || *p != ',') return p; /* the end of the array, or of the text so far */
        p++;
    }
}

/* The tuple split_elements gives, its `data` given (a new reference), or built from s when
 * NULL; NULL when `stopped` is (out of memory). Frees s. */
static PyObject *split_result(Split *s, const char *stopped, PyObject *data) {
    PyObject *result = NULL;
    if (!stopped) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
    } else if (data || (data = PyBytes_FromStringAndSize(s->data, s->data_size))) {
        result = Py_BuildValue("Oy#nnLO", data, s->lines ? s->lines : "", s->lines_size,
                               s->count, s->end, s->line_breaks, s->multiline);
    }
    Py_XDECREF(data);
    split_free(s);
    return result;
}

PyDoc_STRVAR(split_elements_doc,
"split_elements(text, line) -> (data, lines, count, end, line_breaks, multiline)\n\n"
"The elements of a JSON array that `text` starts with (at an element), as JSON Lines for the\n"
"scanner: `data` holds one element a line, each line break inside one turned into a CR (white\n"
"space between tokens: the element is valid JSON). It stops before the first element that is\n"
"not a message object, is not valid JSON or not whole in `text`, goes beyond what the scanner\n"
"reads (too deep, a fraction too long), has a `batch` key, or after the array's last element.\n"
"`lines` holds the line of each element as int64 (`line` is the line `text` starts on), `end`\n"
"is where the last element ends in `text`, `line_breaks` how many LF there are before it, and\n"
"`multiline` lists (element, start, end) for the elements with line breaks.");

static PyObject *split_elements(PyObject *module, PyObject *args) {
    PyObject *text;
    long long line;
    if (!PyArg_ParseTuple(args, "O!L", &PyBytes_Type, &text, &line)) return NULL;
    Split s;
    if (split_start(&s, text) < 0) return split_result(&s, NULL, NULL);
    const char *base = PyBytes_AS_STRING(text);
    const char *e = base + PyBytes_GET_SIZE(text);
    return split_result(&s, split_run(&s, base, base, e, line, PY_SSIZE_T_MAX), NULL);
}

/* The items of s with the batch's `sentAt` (its JSON string, `sent`) added as their last member
 * where they have none, as Python merges it into them; NULL (no error set) when one becomes
 * longer than max_length, or with an error when out of memory. */
static PyObject *with_sent_at(Split *s, const char *sent, Py_ssize_t sent_len,
                              Py_ssize_t max_length) {
    static const char name[] = "\"sentAt\":";
    Py_ssize_t added = (Py_ssize_t)sizeof name - 1 + sent_len, n = s->unsent_size / (2 * sizeof(Py_ssize_t));
    const Py_ssize_t *spans = (const Py_ssize_t *)s->unsent;
    PyObject *data = PyBytes_FromStringAndSize(NULL, s->data_size + n * (added + 1));
    if (!data) return NULL;
    char *out = PyBytes_AS_STRING(data);
    Py_ssize_t done = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t start = spans[2 * i], brace = spans[2 * i + 1];
        Py_ssize_t last = brace - 1; /* the object is empty if `{` comes before the brace */
        while (s->data[last] == ' ' || s->data[last] == '\t' || s->data[last] == '\r') last--;
        int empty = s->data[last] == '{';
        if (brace + 1 - start + added + !empty > max_length) {
            Py_DECREF(data);
            return NULL;
        }
        memcpy(out, s->data + done, brace - done);
        out += brace - done;
        if (!empty) *out++ = ',';
        memcpy(out, name, sizeof name - 1);
        memcpy(out + sizeof name - 1, sent, sent_len);
        out += added;
        done = brace;
    }
    memcpy(out, s->data + done, s->data_size - done);
    out += s->data_size - done;
    if (_PyBytes_Resize(&data, out - PyBytes_AS_STRING(data)) < 0) return NULL;
    return data;
}

PyDoc_STRVAR(split_batch_doc,
"split_batch(text, line, max_length) -> (data, lines, count, end, line_breaks, multiline)\n\n"
"The items of the Segment batch that `text` is, split as split_elements splits an array's\n"
"elements, when they are the values of the records Python makes of it (whose text is compact\n"
"JSON): `text` is one JSON object whose members have plain names, one `batch`, a list of\n"
"message objects, none a batch, of at most `max_length` bytes with the batch's `sentAt` (a\n"
"string) added to those without one, as Python adds it; no `context` or `integrations` object\n"
"to merge into them, no number json.loads may refuse. Else None.");

static PyObject *split_batch(PyObject *module, PyObject *args) {
    PyObject *text;
    long long line;
    Py_ssize_t max_length;
    if (!PyArg_ParseTuple(args, "O!Ln", &PyBytes_Type, &text, &line, &max_length)) return NULL;
    const char *base = PyBytes_AS_STRING(text);
    const char *e = base + PyBytes_GET_SIZE(text);
    Split s;
    if (split_start(&s, text) < 0) return split_result(&s, NULL, NULL);
    const char *p = skip_ws(base, e), *items = NULL, *sent = NULL, *sent_end = NULL;
    int sent_seen = 0;
    if (p >= e || *p != '{') goto none;
    p = skip_ws(p + 1, e);
    for (;;) {
        Str key;
        if (p >= e || *p != '"' || !(p = scan_string(p, e, &key)) || key.escaped) goto none;
        p = skip_ws(p, e);
        if (p >= e || *p != ':') goto none;
        p = skip_ws(p + 1, e);
        const char *value = p;
        if (key_is(&key, "batch", 5)) {
            if (items || p >= e || *p != '[') goto none;
            items = p;
            p = split_run(&s, base, p + 1, e, line, max_length);
            if (!p) return split_result(&s, NULL, NULL);
            if (p >= e || *p != ']') goto none; /* an item it stops before */
            p++;
        } else if (p < e && *p == '{' &&
                   (key_is(&key, "context", 7) || key_is(&key, "integrations", 12))) {
            goto none;
        } else if (!(p = skip_value(p, e, 1))) {
            goto none;
        } else if (key_is(&key, "sentAt", 6)) {
            if (sent_seen++) goto none; /* twice: Python keeps the last */
            if (*value == '"') {
                sent = value;
                sent_end = p;
            }
        }
        p = skip_ws(p, e);
        if (p < e && *p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        if (p >= e || *p != '}') goto none;
        break;
    }
    if (!items || skip_ws(p + 1, e) != e || long_digit_run(base, e)) goto none;
    PyObject *data = NULL;
    if (sent && s.unsent_size) {
        data = with_sent_at(&s, sent, sent_end - sent, max_length);
        if (!data) {
            if (PyErr_Occurred()) return split_result(&s, NULL, NULL);
            goto none;
        }
    }
    return split_result(&s, p, data);
none:
    split_free(&s);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"split_elements", split_elements, METH_VARARGS, split_elements_doc},
    {"split_batch", split_batch, METH_VARARGS, split_batch_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_scan",
    .m_doc = "The native record scanner of tp validate.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__scan(void) {
    init_plain();
    for (size_t i = 0; i < sizeof ENVELOPE / sizeof ENVELOPE[0]; i++)
        ENVELOPE_LENGTHS[i] = (Py_ssize_t)strlen(ENVELOPE[i].name);
    if (PyType_Ready(&ScannerType) < 0) return NULL;
    PyObject *module = PyModule_Create(&scan_module);
    if (!module) return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(module, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(module);
        return NULL;
    }
    static const struct {
        const char *name;
        long value;
    } shared[] = {
        {"T_NULL", T_NULL}, {"T_BOOL", T_BOOL}, {"T_INT", T_INT}, {"T_NUM", T_NUM},
        {"T_STR", T_STR}, {"T_ARR", T_ARR}, {"T_OBJ", T_OBJ}, {"T_ALL", T_ALL},
        {"K_TRACK", K_TRACK}, {"K_IDENTIFY", K_IDENTIFY}, {"K_PAGE", K_PAGE},
        {"K_SCREEN", K_SCREEN}, {"K_GROUP", K_GROUP}, {"PYTHON_DECIDES", PYTHON_DECIDES},
        {"MAX_FIELDS", MAX_FIELDS}, {"MAX_MESSAGE_BYTES", MAX_MESSAGE_BYTES},
        {"MAX_MESSAGE_ID", MAX_MESSAGE_ID}, {"VIOLATION_WORDS", VIOLATION_WORDS},
        {"B_UNPLANNED", B_UNPLANNED}, {"KIND_COUNT", KN_COUNT}, {"NODE_FIELDS", NODE_FIELDS},
        {"ROUTE_FIELDS", ROUTE_FIELDS},
    };
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        if (PyModule_AddIntConstant(module, shared[i].name, shared[i].value) < 0) {
            Py_DECREF(module);
            return NULL;
        }
    }
    return module;
}
