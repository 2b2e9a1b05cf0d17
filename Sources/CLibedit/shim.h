#ifndef TRQ_CLIBEDIT_SHIM_H
#define TRQ_CLIBEDIT_SHIM_H
// libedit's histedit API plus the C globals and variadic calls Swift 6 cannot use directly:
// mutable C globals (stdin, stdout) are not concurrency-safe in Swift, and el_set/history
// are variadic, so each use gets a fixed-signature wrapper here.
#include <stdio.h>
#include <unistd.h>
#include <histedit.h>

static inline FILE *trq_stdin(void) { return stdin; }
static inline FILE *trq_stdout(void) { return stdout; }
static inline FILE *trq_stderr(void) { return stderr; }

typedef char *(*trq_prompt_function)(EditLine *);
typedef unsigned char (*trq_editor_function)(EditLine *, int);

static inline int trq_el_set_prompt(EditLine *el, trq_prompt_function prompt) {
    return el_set(el, EL_PROMPT, prompt);
}
static inline int trq_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int trq_el_set_signal(EditLine *el, int handle) {
    return el_set(el, EL_SIGNAL, handle);
}
static inline int trq_el_set_history(EditLine *el, History *history_state) {
    return el_set(el, EL_HIST, history, history_state);
}
static inline int trq_el_add_function(EditLine *el, const char *name, const char *help,
                                      trq_editor_function function) {
    return el_set(el, EL_ADDFN, name, help, function);
}
static inline int trq_el_bind(EditLine *el, const char *key, const char *function_name) {
    return el_set(el, EL_BIND, key, function_name, (const char *)NULL);
}
/// One `stty`-style mode change for the editing mode, e.g. "-isig".
static inline int trq_el_set_tty(EditLine *el, const char *mode) {
    return el_set(el, EL_SETTY, "-d", mode, (const char *)NULL);
}

static inline int trq_history_set_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}
static inline int trq_history_set_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}
static inline int trq_history_enter(History *h, const char *entry) {
    HistEvent event;
    return history(h, &event, H_ENTER, entry);
}
/// Enters every entry of a history file in libedit's format (a `_HiStOrY_V2_` line, then one
/// vis(3)-encoded entry per line); returns the number of lines read, or -1 if the file is missing
/// or not in that format.
static inline int trq_history_load(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_LOAD, path);
}
/// Writes the whole history to `path` in libedit's format; the number of entries, or -1.
static inline int trq_history_save(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_SAVE, path);
}
/// Writes the whole history to `file`, the `_HiStOrY_V2_` line only if the stream is at offset 0.
static inline int trq_history_save_fp(History *h, FILE *file) {
    HistEvent event;
    return history(h, &event, H_SAVE_FP, file);
}
/// The oldest entry (with `H_LAST`) or the next newer one (`H_PREV`); NULL past the end.
static inline const char *trq_history_step(History *h, int operation) {
    HistEvent event;
    return history(h, &event, operation) == 0 ? event.str : NULL;
}
#endif
