/* main.c - drvcat's command table, option parser and help. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pkg/pkg.h"
#include "../util/json.h"
#include "../util/str.h"
#include "../util/text.h"
#include "cli.h"

static const struct cli_cmd *const commands[] = {
	&cmd_inf_def,
	&cmd_files_def,
	&cmd_hash_def,
	&cmd_build_def,
	&cmd_verify_def,
	&cmd_check_def,
	&cmd_show_def,
	&cmd_explain_def,
	&cmd_sign_def,
	&cmd_timestamp_def,
	&cmd_cert_def,
	&cmd_new_def,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fprintf(out,
		"usage: drvcat COMMAND [OPTIONS] ARGS\n"
		"\n"
		"Build, sign and verify Windows driver packages on any OS: parse INF files,\n"
		"find every file a package ships, write and sign its catalog, check it.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "  %-10s %s\n", "help", "show help for a command (drvcat help COMMAND)");
	fprintf(out,
		"\n"
		"drvcat --version prints the version.  Exit status: 0 success, 1 failure,\n"
		"2 usage error.\n");
}

void cli_print_help(FILE *out, const struct cli_cmd *cmd)
{
	fprintf(out, "usage: drvcat %s %s\n\n%s\n", cmd->name, cmd->synopsis, cmd->summary);
	if (cmd->opts && cmd->opts[0].name) {
		fprintf(out, "\noptions:\n");
		for (const struct cli_opt *o = cmd->opts; o->name; o++) {
			char left[64];

			snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
			fprintf(out, "  %-22s %s\n", left, o->help);
		}
		fprintf(out, "  %-22s %s\n", "-h, --help", "show this help");
	}
	if (cmd->details)
		fprintf(out, "\n%s", cmd->details);
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "drvcat: %s%s", cmd ? cmd->name : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: drvcat %s %s\n", cmd->name, cmd->synopsis);
	else
		fprintf(stderr, "run 'drvcat help' for the list of commands\n");
	return EXIT_USAGE;
}

int cli_fail(const struct cli_args *a, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "drvcat: %s: ", a->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static int opt_index(const struct cli_cmd *cmd, const char *name)
{
	for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
		if (!strcmp(cmd->opts[i].name, name))
			return i;
	return -1;
}

const char *const *cli_opt_values(const struct cli_args *a, const char *name, size_t *n)
{
	int i = opt_index(a->cmd, name);

	*n = i < 0 ? 0 : a->nvals[i];
	return i < 0 ? NULL : a->vals[i];
}

const char *cli_opt_value(const struct cli_args *a, const char *name)
{
	size_t n;
	const char *const *v = cli_opt_values(a, name, &n);

	return n ? v[n - 1] : NULL;
}

bool cli_opt_flag(const struct cli_args *a, const char *name)
{
	size_t n;

	cli_opt_values(a, name, &n);
	return n > 0;
}

static void free_args(struct cli_args *a)
{
	free(a->pos);
	for (size_t i = 0; i < CLI_MAX_OPTS; i++)
		free((void *)a->vals[i]);
}

static int add_value(struct cli_args *a, int i, const char *v)
{
	const char **p = realloc((void *)a->vals[i], (a->nvals[i] + 1) * sizeof(*p));

	if (!p)
		return -1;
	p[a->nvals[i]++] = v;
	a->vals[i] = p;
	return 0;
}

/* Environment variable -> option it supplies when the option is not given (README, man page). */
static const struct {
	const char *var, *option;
	const char *commands; /* space-separated: the commands it applies to */
} env_defaults[] = {
	{ "DRVCAT_OS", "os", "files build verify check" },
	{ "DRVCAT_KEY", "key", "sign build" },
	{ "DRVCAT_CERT", "cert", "sign build" },
	{ "DRVCAT_PASS_FILE", "pass-file", "sign build" },
	{ "DRVCAT_TIMESTAMP_URL", "timestamp", "sign build timestamp" },
};

static bool word_in(const char *word, const char *list)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* Parses argv after the command name.  Returns -1 for --help, else an exit code. */
static int parse_args(struct cli_args *a, const struct cli_cmd *cmd, int argc, char **argv)
{
	bool only_pos = false;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	/* Every option needs a slot in vals[]: a table too long is a programming error. */
	for (size_t n = 0; cmd->opts && cmd->opts[n].name; n++)
		if (n >= CLI_MAX_OPTS)
			return cli_usage_error(cmd, "internal error: more than %d options", CLI_MAX_OPTS);
	a->pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->pos)
		return EXIT_FAIL;
	for (int k = 0; k < argc; k++) {
		char *arg = argv[k], name[64];
		const char *value = NULL, *eq;
		int i;

		if (only_pos || arg[0] != '-' || !arg[1]) {
			a->pos[a->npos++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_pos = true;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return -1;
		if (arg[1] != '-')
			return cli_usage_error(cmd, "unknown option '%s'", arg);
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - arg - 2 : (long)strlen(arg) - 2), arg + 2);
		i = opt_index(cmd, name);
		if (i < 0)
			return cli_usage_error(cmd, "unknown option '--%s'", name);
		if (cmd->opts[i].arg) {
			if (eq)
				value = eq + 1;
			else if (k + 1 < argc)
				value = argv[++k];
			else
				return cli_usage_error(cmd, "option '--%s' needs %s", name, cmd->opts[i].arg);
		} else if (eq) {
			return cli_usage_error(cmd, "option '--%s' takes no value", name);
		}
		if (a->nvals[i] && !cmd->opts[i].repeat && cmd->opts[i].arg)
			return cli_usage_error(cmd, "option '--%s' given twice", name);
		if (add_value(a, i, value ? value : "") < 0)
			return EXIT_FAIL;
	}
	/* CI-friendly defaults from DRVCAT_* variables; the command line wins. */
	for (size_t e = 0; e < sizeof(env_defaults) / sizeof(env_defaults[0]); e++) {
		int i = opt_index(cmd, env_defaults[e].option);
		const char *v = getenv(env_defaults[e].var);

		if (i >= 0 && word_in(cmd->name, env_defaults[e].commands) && !a->nvals[i] && v && *v &&
		    add_value(a, i, v) < 0)
			return EXIT_FAIL;
	}
	if (a->npos < cmd->min_pos)
		return cli_usage_error(cmd, "missing argument");
	if (a->npos > cmd->max_pos)
		return cli_usage_error(cmd, "unexpected argument '%s'", a->pos[cmd->max_pos]);
	return EXIT_OK;
}

int cli_inf_options(const struct cli_args *a, struct inf_options *opt)
{
	const char *cp = cli_opt_value(a, "codepage");
	const char *loc = cli_opt_value(a, "locale");

	memset(opt, 0, sizeof(*opt));
	if (cp) {
		unsigned long v;

		if (!dc_parse_u32(cp, &v) || v == 0 || v > 65535)
			return cli_usage_error(a->cmd, "--codepage takes a Windows code page number such as 1252");
		if (!text_codepage_supported((unsigned)v))
			return cli_usage_error(a->cmd, "code page %lu is not known to this system's iconv", v);
		opt->codepage = (unsigned)v;
	}
	if (loc) {
		char *end;
		unsigned long v = strtoul(loc, &end, 16);

		if (strlen(loc) != 4 || *end || v == 0)
			return cli_usage_error(a->cmd, "--locale takes a 4-digit hexadecimal LANGID such as 0409");
		opt->locale = (unsigned)v;
	}
	return EXIT_OK;
}

int cli_print_json(const struct cli_args *a, void (*fill)(struct dc_json *j, const void *ctx),
		   const void *ctx)
{
	struct dc_error err = { 0, "" };
	struct dc_buf out;
	struct dc_json j;
	int rc;

	dc_buf_init(&out, (size_t)1 << 30);
	dc_json_init(&j, &out, &err);
	fill(&j, ctx);
	rc = dc_json_finish(&j);
	if (rc)
		cli_fail(a, EXIT_FAIL, "%s", err.msg);
	else
		fwrite(out.data, 1, out.len, stdout);
	dc_buf_free(&out);
	return rc ? EXIT_FAIL : 0;
}

void cli_print_pkg_diags(const struct pkg *p, const char *dir)
{
	for (size_t i = 0; i < p->ndiags; i++) {
		const struct pkg_diag *d = &p->diags[i];

		if (d->severity == INF_NOTE)
			continue;
		if (d->inf && d->line)
			fprintf(stderr, "%s/%s:%u: %s: %s\n", dir, d->inf, d->line,
				cli_severity_name(d->severity), d->msg);
		else if (d->inf)
			fprintf(stderr, "%s/%s: %s: %s\n", dir, d->inf, cli_severity_name(d->severity),
				d->msg);
		else
			fprintf(stderr, "%s: %s: %s\n", dir, cli_severity_name(d->severity), d->msg);
	}
}

const char *cli_severity_name(enum inf_severity sev)
{
	switch (sev) {
	case INF_ERROR: return "error";
	case INF_WARNING: return "warning";
	default: return "note";
	}
}

void cli_print_diags(FILE *out, const struct inf_file *f, enum inf_severity min)
{
	for (size_t i = 0; i < f->ndiags; i++) {
		const struct inf_diag *d = &f->diags[i];

		if (d->severity < min)
			continue;
		fprintf(out, "%s:%u:%u: %s: %s\n", f->path, d->pos.line, d->pos.col,
			cli_severity_name(d->severity), d->msg);
	}
	if (f->ndiags_dropped)
		fprintf(out, "%s: note: %zu more diagnostics not shown\n", f->path, f->ndiags_dropped);
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	struct cli_args args;
	int rc;

	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("drvcat %s\n", DRVCAT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2 && !strcmp(argv[2], "--man")) {
			cli_print_man(stdout, commands, NCOMMANDS);
			return EXIT_OK;
		}
		if (argc > 3 && !strcmp(argv[2], "--completion") &&
		    (!strcmp(argv[3], "bash") || !strcmp(argv[3], "zsh"))) {
			cli_print_completion(stdout, argv[3], commands, NCOMMANDS);
			return EXIT_OK;
		}
		if (argc > 2) {
			cmd = find_command(argv[2]);
			if (!cmd)
				return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
			cli_print_help(stdout, cmd);
			return EXIT_OK;
		}
		print_overview(stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	rc = parse_args(&args, cmd, argc - 2, argv + 2);
	if (rc == -1) {
		cli_print_help(stdout, cmd);
		rc = EXIT_OK;
	} else if (rc == EXIT_OK) {
		rc = cmd->run(&args);
	}
	free_args(&args);
	return rc;
}
