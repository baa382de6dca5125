/*
 * commands: the entry point of every command, one per cmd_X.c file.
 * Each takes the arguments after the global options (argv[0] is the
 * command's name) and the context holding what its entry in main.c's
 * table asked for, and returns the exit status.
 */
#ifndef GS_COMMANDS_H
#define GS_COMMANDS_H

#include "cli/cli.h"

int cmd_init(int argc, char **argv, cli_ctx_t *cx);
int cmd_form(int argc, char **argv, cli_ctx_t *cx);
int cmd_unit(int argc, char **argv, cli_ctx_t *cx);
int cmd_wave(int argc, char **argv, cli_ctx_t *cx);
int cmd_import(int argc, char **argv, cli_ctx_t *cx);
int cmd_export(int argc, char **argv, cli_ctx_t *cx);
int cmd_token(int argc, char **argv, cli_ctx_t *cx);
int cmd_run(int argc, char **argv, cli_ctx_t *cx);
int cmd_serve(int argc, char **argv, cli_ctx_t *cx);
int cmd_simulate(int argc, char **argv, cli_ctx_t *cx);
int cmd_analyze(int argc, char **argv, cli_ctx_t *cx);
int cmd_report(int argc, char **argv, cli_ctx_t *cx);
int cmd_demo(int argc, char **argv, cli_ctx_t *cx);
int cmd_db(int argc, char **argv, cli_ctx_t *cx);

#endif
