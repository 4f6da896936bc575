/*
 * cli.h - the command table and the option parser shared by every
 * subcommand.  Each command declares its options once; the same table drives
 * parsing and --help.  src/cli is the only module that prints.
 */
#ifndef DRVCAT_CLI_CLI_H
#define DRVCAT_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../inf/inf.h"
#include "../util/error.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define CLI_MAX_OPTS 48

struct cli_opt {
	const char *name;  /* long name without "--" */
	const char *arg;   /* argument placeholder, NULL for a flag */
	bool repeat;       /* may be given more than once */
	const char *help;
};

struct cli_args {
	const struct cli_cmd *cmd;
	char **pos;
	size_t npos;
	const char **vals[CLI_MAX_OPTS]; /* values per option, in order */
	size_t nvals[CLI_MAX_OPTS];
};

struct cli_cmd {
	const char *name;
	const char *synopsis;   /* after "drvcat NAME " */
	const char *summary;    /* one line for "drvcat help" */
	const char *details;    /* paragraphs after the option list, or NULL */
	size_t min_pos, max_pos;
	const struct cli_opt *opts; /* terminated by a zeroed entry */
	int (*run)(const struct cli_args *args);
};

extern const struct cli_cmd cmd_inf_def;
extern const struct cli_cmd cmd_files_def;
extern const struct cli_cmd cmd_hash_def;
extern const struct cli_cmd cmd_show_def;
extern const struct cli_cmd cmd_build_def;
extern const struct cli_cmd cmd_verify_def;
extern const struct cli_cmd cmd_sign_def;
extern const struct cli_cmd cmd_timestamp_def;
extern const struct cli_cmd cmd_cert_def;
extern const struct cli_cmd cmd_check_def;
extern const struct cli_cmd cmd_explain_def;
extern const struct cli_cmd cmd_new_def;

/* Value of option name (the last one given), or NULL. */
const char *cli_opt_value(const struct cli_args *a, const char *name);
bool cli_opt_flag(const struct cli_args *a, const char *name);
/* All values of a repeatable option. */
const char *const *cli_opt_values(const struct cli_args *a, const char *name, size_t *n);

/* "drvcat: CMD: message" on stderr; returns code. */
int cli_fail(const struct cli_args *a, int code, const char *fmt, ...) DC_PRINTF(3, 4);
/* Prints a usage error and the synopsis; returns EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...) DC_PRINTF(2, 3);
void cli_print_help(FILE *out, const struct cli_cmd *cmd);

/* The manual page (roff) and shell completion, generated from the command table. */
void cli_print_man(FILE *out, const struct cli_cmd *const *cmds, size_t n);
void cli_print_completion(FILE *out, const char *shell, const struct cli_cmd *const *cmds, size_t n);

struct dc_json;
/*
 * Builds a JSON document with fill(j, ctx) and prints it to stdout; returns
 * 0, or EXIT_FAIL after printing the error.
 */
int cli_print_json(const struct cli_args *a, void (*fill)(struct dc_json *j, const void *ctx),
		   const void *ctx);

struct pkg;
/* The package walk's warnings and errors on stderr as DIR/INF:LINE: severity: message. */
void cli_print_pkg_diags(const struct pkg *p, const char *dir);

struct report;
/* Renders a verify/check report per --format/--report; returns the exit status. */
int cli_emit_report(const struct cli_args *a, const struct report *r);

/* Shared option parsing: --codepage N and --locale LLLL into inf options. */
int cli_inf_options(const struct cli_args *a, struct inf_options *opt);
/* "path:line:col: severity: message" for every diagnostic at or above min. */
void cli_print_diags(FILE *out, const struct inf_file *f, enum inf_severity min);
const char *cli_severity_name(enum inf_severity sev);

#endif
